"""Login throttling (django-axes): after 5 wrong passwords in 15 minutes the username is locked from any
address and the address for any username, on the login page, the Django admin login and API token creation
(which asks for the password again); and Django's password validators refuse weak passwords."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from jiayuan.core.models import ApiToken
from tests.factories import UserFactory

LOCKED = "登录失败次数过多"
A, B = "198.51.100.10", "203.0.113.20"
MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def _client(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_login_and_the_right_one_is_then_refused(world, clock):
    client = _client(A)
    for _ in range(4):
        response = _login(client, "clerk", "wrong-password")
        assert response.status_code == 200 and LOCKED not in response.content.decode()

    fifth = _login(client, "clerk", "wrong-password")
    right = _login(client, "clerk", "jiayuan-demo")

    assert fifth.status_code == 429 and LOCKED in fifth.content.decode()
    assert right.status_code == 429 and LOCKED in right.content.decode()
    assert "15 分钟后再试" in right.content.decode()
    assert 'name="username"' in right.content.decode()  # the login page, with its form, not a bare text
    assert not _logged_in(client)


def test_the_lock_ends_after_the_cool_off(world, clock):
    client = _client(A)
    for _ in range(5):
        _login(client, "clerk", "wrong-password")
    clock.shift(timedelta(minutes=14))
    assert _login(client, "clerk", "jiayuan-demo").status_code == 429

    clock.shift(timedelta(minutes=2))
    response = _login(client, "clerk", "jiayuan-demo")
    assert response.status_code == 302 and _logged_in(client)


def test_a_locked_username_is_refused_from_any_address(world, clock):
    for _ in range(5):
        _login(_client(A), "clerk", "wrong-password")
    elsewhere = _client(B)
    assert _login(elsewhere, "clerk", "jiayuan-demo").status_code == 429
    assert not _logged_in(elsewhere)


def test_a_locked_address_is_refused_for_any_username(world, clock):
    client = _client(A)
    for username in ("u1", "u2", "u3", "u4", "u5"):
        _login(client, username, "wrong-password")

    assert _login(client, "manager", "jiayuan-demo").status_code == 429 and not _logged_in(client)
    other = _client(B)
    assert _login(other, "manager", "jiayuan-demo").status_code == 302 and _logged_in(other)


@override_settings(BEHIND_TLS_PROXY=True)
def test_behind_nginx_the_address_is_the_one_nginx_saw_not_a_forged_header(world, clock):
    # nginx appends the peer's address to X-Forwarded-For; whatever the client wrote before it is forged.
    proxy = "127.0.0.1"
    for n in range(5):
        forged = f"10.0.0.{n}, {A}"
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forged).post(
            reverse("login"), {"username": f"u{n}", "password": "wrong-password"}
        )

    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"10.9.9.9, {A}")
    neighbour = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=B)
    assert _login(attacker, "manager", "jiayuan-demo").status_code == 429
    assert _login(neighbour, "manager", "jiayuan-demo").status_code == 302  # not everyone behind nginx


def test_django_admin_login_is_locked_too(db, clock):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = _client(A)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "root", "password": "wrong-password"})

    response = client.post(url, {"username": "root", "password": "jiayuan-demo", "next": "/django-admin/"})

    html = response.content.decode()
    assert response.status_code == 429 and LOCKED in html
    assert 'id="login-form"' in html  # the admin's own login page
    assert not _logged_in(client)


# --- API token creation asks for the password again, through the same lock ------------------------------


def _create_token(client: Client, password: str):
    return client.post(reverse("token_create"), {"name": "报表脚本", "password": password})


def test_token_creation_needs_the_current_password(world, clock):
    client = _client(A)
    client.force_login(world.clerk)

    refused = _create_token(client, "wrong-password")
    created = _create_token(client, "jiayuan-demo")

    assert refused.status_code == 422 and "密码不正确" in refused.content.decode()
    assert created.status_code == 302
    assert list(ApiToken.objects.filter(user=world.clerk).values_list("name", flat=True)) == ["报表脚本"]


def test_token_creation_locks_after_five_wrong_passwords_like_the_login(world, clock):
    client = _client(A)
    client.force_login(world.clerk)
    for _ in range(5):
        _create_token(client, "wrong-password")

    response = _create_token(client, "jiayuan-demo")

    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not ApiToken.objects.filter(user=world.clerk).exists()
    # The same lock guards the login: the guesses on the token page count against the username.
    assert _login(_client(B), "clerk", "jiayuan-demo").status_code == 429


# --- password validators ----------------------------------------------------------------------------------


@pytest.fixture
def root_client(db):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    return client, root


def test_admin_refuses_a_common_numeric_password_for_a_new_user(root_client):
    client, _root = root_client
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newclerk", "password1": "12345678", "password2": "12345678", "usable_password": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "这个密码太常见了" in html and "密码只包含数字" in html
    assert not get_user_model().objects.filter(username="newclerk").exists()


def test_admin_refuses_a_common_password_when_changing_one(world, root_client):
    client, root = root_client
    url = reverse("admin:auth_user_password_change", args=[world.clerk.pk])
    response = client.post(url, {"password1": "12345678", "password2": "12345678"})
    assert "这个密码太常见了" in response.content.decode()
    world.clerk.refresh_from_db()
    assert world.clerk.check_password("jiayuan-demo")

    own = client.post(
        reverse("admin:password_change"),
        {"old_password": "jiayuan-demo", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert "这个密码太常见了" in own.content.decode()
    root.refresh_from_db()
    assert root.check_password("jiayuan-demo")
