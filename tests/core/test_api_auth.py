"""API authentication: session cookie or bearer token; errors as {code, message, field}."""

import json

from django.core.management import call_command

from jiayuan.core.tokens import token_create, token_revoke


def test_anonymous_gets_401_with_chinese_message(client, world):
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401
    body = resp.json()
    assert body["code"] == "unauthenticated" and "登录" in body["message"]


def test_bearer_token_authenticates(client, world):
    _, raw = token_create(world.clerk, name="test")
    resp = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert resp.status_code == 200
    assert resp.json()["username"] == "clerk"
    assert {"project": world.p1.pk, "role": "cs_clerk"} in resp.json()["roles"]


def test_revoked_or_forged_token_is_refused(client, world):
    token, raw = token_create(world.clerk)
    token_revoke(token)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer jy_forged").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + "x" * 5000).status_code == 401


def test_token_is_stored_only_as_digest(world):
    token, raw = token_create(world.clerk)
    token.refresh_from_db()
    assert raw not in (token.digest, token.prefix) and len(token.digest) == 64


def test_session_auth_works_for_logged_in_user(as_user, world):
    resp = as_user(world.owner).get("/api/v1/me")
    assert resp.status_code == 200
    assert resp.json()["is_staff_member"] is False


def test_session_post_without_csrf_is_refused(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.manager)
    resp = client.post("/api/v1/me", data=json.dumps({}), content_type="application/json")
    assert resp.status_code in (401, 403, 405)


def test_create_token_command_prints_a_working_token(client, world, capsys):
    call_command("create_token", "clerk")
    raw = capsys.readouterr().out.strip()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_openapi_is_served(client, world):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    assert resp.json()["info"]["title"].startswith("Jiayuan")
