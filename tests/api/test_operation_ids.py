"""OpenAPI operation ids are unique and do not depend on which module of an app's api package holds them."""

from jiayuan.api import api


def _operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation["operationId"]


def test_operation_ids_are_unique():
    ids = [op_id for _, _, op_id in _operations()]
    assert len(ids) == len(set(ids))


def test_operation_ids_name_the_app_api_not_its_submodule():
    for path, method, op_id in _operations():
        assert op_id.startswith("jiayuan_"), (path, method, op_id)
        app_and_rest = op_id.removeprefix("jiayuan_")
        assert "_api_" in app_and_rest, (path, method, op_id)


def test_request_list_keeps_its_operation_id():
    ids = {(path, method): op_id for path, method, op_id in _operations()}
    assert ids[("/api/v1/requests", "get")] == "jiayuan_service_api_list_requests"
