"""Profile page: roles per project, API tokens created (shown once), listed and revoked; create_token."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from jiayuan.core.models import ApiToken
from jiayuan.core.tokens import token_create, user_for_token

TOKEN_RE = re.compile(r"jy_[A-Za-z0-9_-]{30,}")


def test_profile_lists_roles_per_project(world, as_user):
    html = as_user(world.clerk).get(reverse("profile")).content.decode()
    roles = html.split('data-testid="memberships"', 1)[1].split("</section>", 1)[0]
    assert world.p1.name in roles and "客服专员" in roles
    assert world.p2.name not in roles


def test_profile_of_company_admin_says_all_projects(world, as_user):
    html = as_user(world.admin).get(reverse("profile")).content.decode()
    assert "(全部项目)" in html and "公司管理员" in html


def test_created_token_is_shown_once_with_a_curl_example(world, as_user):
    client = as_user(world.clerk)
    response = client.post(reverse("token_create"), {"name": "报表脚本", "password": "jiayuan-demo"})
    assert response.status_code == 302 and response.url == reverse("profile")
    html = client.get(reverse("profile")).content.decode()
    raw = TOKEN_RE.search(html.split('data-testid="new-token"', 1)[1])[0]
    assert f'curl -H "Authorization: Bearer {raw}" http://testserver/api/v1/projects' in html
    assert user_for_token(raw) == world.clerk
    token = ApiToken.objects.get(user=world.clerk)
    assert token.name == "报表脚本" and raw not in (token.digest, token.prefix)
    again = client.get(reverse("profile")).content.decode()
    assert raw not in again and 'data-testid="new-token"' not in again
    assert token.prefix in again and "报表脚本" in again


def test_token_name_longer_than_60_characters_is_refused(world, as_user):
    response = as_user(world.clerk).post(
        reverse("token_create"), {"name": "长" * 61, "password": "jiayuan-demo"}
    )
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_profile_lists_only_own_active_tokens(world, as_user):
    mine, _ = token_create(world.clerk, name="mine")
    revoked, _ = token_create(world.clerk, name="old")
    revoked.revoked_at = revoked.created_at
    revoked.save()
    token_create(world.manager, name="managers")
    html = as_user(world.clerk).get(reverse("profile")).content.decode()
    tokens = html.split('data-testid="tokens"', 1)[1]
    assert mine.prefix in tokens
    assert f"{revoked.prefix}…" not in tokens and "managers" not in tokens


def test_revoke_stops_the_token_working(world, as_user):
    token, raw = token_create(world.clerk, name="ci")
    response = as_user(world.clerk).post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert user_for_token(raw) is None


def test_revoke_asks_for_confirmation_first(world, as_user):
    token, _ = token_create(world.clerk, name="ci")
    html = as_user(world.clerk).get(reverse("profile")).content.decode()
    modal = html.split(f'id="revoke-{token.pk}"', 1)[1].split("</form>", 1)[0]
    assert "此操作不可撤销" in modal and "确认吊销" in modal


def test_nobody_revokes_someone_elses_token(world, as_user):
    token, raw = token_create(world.manager, name="managers")
    for who in (world.clerk, world.admin, world.owner):
        assert as_user(who).post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert user_for_token(raw) == world.manager


def test_revoke_by_get_is_refused(world, as_user):
    token, raw = token_create(world.clerk)
    assert as_user(world.clerk).get(reverse("token_revoke", args=[token.pk])).status_code == 405
    assert user_for_token(raw) == world.clerk


# --- create_token command --------------------------------------------------------------------------------


def test_create_token_command_prints_only_the_token(world):
    out = StringIO()
    call_command("create_token", "clerk", "--name", "nightly", stdout=out)
    printed = out.getvalue().strip()
    assert TOKEN_RE.fullmatch(printed)
    assert user_for_token(printed) == world.clerk
    assert ApiToken.objects.get(user=world.clerk).name == "nightly"


def test_create_token_command_refuses_an_unknown_user(db):
    out = StringIO()
    with pytest.raises(CommandError, match="用户不存在：nobody"):
        call_command("create_token", "nobody", stdout=out)
    assert out.getvalue() == "" and not ApiToken.objects.exists()


def test_create_token_command_refuses_an_inactive_user(world):
    world.clerk.is_active = False
    world.clerk.save()
    with pytest.raises(CommandError, match="已停用"):
        call_command("create_token", "clerk", stdout=StringIO())
