"""API foundation: authentication (session or bearer token), error mapping, pagination."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from jiayuan.core.errors import DomainError
from jiayuan.core.scoping import scope_of
from jiayuan.core.tokens import user_for_token


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class StrictQueryParser(Parser):
    """A parameter that is not a list but comes more than once (``?kind=bad&kind=residential``) is passed
    on as the list it is, so validation answers 422, instead of Django keeping the last value silently
    (which let an invalid value through whenever a valid one followed it)."""

    def parse_querydict(self, data, list_fields, request):
        result = {}
        for key in data.keys():
            values = data.getlist(key)
            result[key] = values if key in list_fields or len(values) > 1 else data[key]
        return result


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django's session cookie, with CSRF checked for unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class RoleOut(Schema):
    project: int | None
    role: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    is_staff_member: bool
    roles: list[RoleOut]


# Responses every authenticated endpoint may give; endpoints add 404/409/422 as they need.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class JiayuanAPI(NinjaAPI):
    """Ninja with operation ids that do not move when an app's ``api`` module becomes a package.

    Ninja names an operation ``<module path>_<function>``; an app's endpoints are named
    ``jiayuan_<app>_api_<function>`` whichever module of ``<app>/api/`` holds them (decision 0009).
    """

    def get_openapi_operation_id(self, operation) -> str:
        parts = operation.view_func.__module__.split(".")
        if "api" in parts:
            parts = parts[: parts.index("api") + 1]
        return "_".join([*parts, operation.view_func.__name__])


def build_api() -> NinjaAPI:
    api = JiayuanAPI(
        title="Jiayuan 家园 API",
        version="1",
        description="物业服务管理系统 HTTP API。认证：会话 Cookie 或 `Authorization: Bearer <token>`"
        "(在个人资料页或 `jiayuan create_token USER` 创建)。错误一律返回 `{code, message, field}`。",
        auth=[BearerAuth(), SessionAuth()],
        urls_namespace="api",
        parser=StrictQueryParser(),
        docs_url="/docs",
        openapi_url="/openapi.json",
    )

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        first = exc.errors[0] if exc.errors else {}
        loc = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
        return api.create_response(
            request,
            {
                "code": "validation_failed",
                "message": f"参数不合法：{first.get('msg', '')}",
                "field": ".".join(loc) or None,
                "errors": exc.errors,
            },
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request,
            {"code": "unauthenticated", "message": "请先登录或提供有效的令牌", "field": None},
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(
            request, {"code": "http_error", "message": str(exc), "field": None}, status=exc.status_code
        )

    @api.get("/me", response={200: MeOut, 401: ErrorOut}, tags=["core"], summary="当前用户与角色")
    def me(request):
        scope = scope_of(request.auth)
        roles = [RoleOut(project=None, role=r) for r in sorted(scope.company_roles)]
        if not scope.company_roles:
            roles += [
                RoleOut(project=pid, role=r)
                for pid, rs in sorted(scope.roles_by_project.items())
                for r in sorted(rs)
            ]
        user = request.auth
        return MeOut(
            id=user.pk,
            username=user.username,
            name=user.get_full_name() or user.username,
            is_staff_member=scope.is_staff_member,
            roles=roles,
        )

    return api
