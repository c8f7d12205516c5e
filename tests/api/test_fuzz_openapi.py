"""Schemathesis fuzzes every operation of the OpenAPI schema: whatever it sends, the API answers with a
declared status and never a 500 (DEVELOPERS.md: "a fuzzer's wildest value gets a 4xx")."""

import json
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from jiayuan.core.tokens import token_create
from jiayuan.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Schemathesis calls the WSGI app directly, so Django's request_finished handler would close the
    database connection that holds the test's transaction (PostgreSQL). Django's test client does the
    same disconnection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(world):
    # The company admin reaches every operation, so the fuzzer exercises real handlers, not 401s.
    return token_create(world.admin, name="fuzz")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_never_errors(case, api_token):
    # 422 for a schema-valid body is allowed: rules such as "no backdated override" are not in the schema.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_token}"}, excluded_checks=[positive_data_acceptance]
    )


def _operations():
    from django.test import Client

    paths = json.loads(Client().get("/api/v1/openapi.json").content)["paths"]
    for path, item in paths.items():
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.django_db
def test_every_operation_refuses_a_nul_with_422(world, api_token):
    """A NUL in a query string or a JSON body is refused before any handler (core.middleware): a 500 on
    PostgreSQL before. Every operation of the schema, so a new one is covered without being listed."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token}")
    checked = 0
    for method, path in _operations():
        url = "/api/v1" + path
        for response in (
            getattr(client, method)(url + "?q=%00"),
            getattr(client, method)(url, {"name": "a\x00"}, content_type="application/json"),
        ):
            assert response.status_code == 422, (method, url, response.content[:200])
            assert response.json()["code"] == "validation_failed"
        checked += 1
    assert checked > 40
