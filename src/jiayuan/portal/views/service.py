"""The owners' 报事报修 pages (H5, phone first): my requests with their state and timeline, report a repair
with a photo (in the unit or in a public area, with its fault category) or ask / complain / suggest /
praise, confirm completion, rate; see the responsible party's answer to a referred complaint. Only the owner's own units'
requests are reachable (the service selectors' owner scoping); everything else is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from jiayuan.core.errors import DomainError, Forbidden
from jiayuan.core.files import serve_file
from jiayuan.core.web import fetch, run_service
from jiayuan.portal.selectors import my_units
from jiayuan.service import services
from jiayuan.service.forms import PortalRequestForm, RateForm
from jiayuan.service.models import Channel, Photo, RequestType, State
from jiayuan.service.selectors import owner_requests, request_photo, request_timeline, special_menu
from jiayuan.service.services._common import ACTION_LABELS

# Desk-internal notes the owner does not read in the timeline: what was asked of the responsible party and
# their answer before the desk fed it back (R3.10), the level a complaint was collected to.
INTERNAL_NOTES = frozenset({"refer", "referral_answer", "escalate"})


def _mine(request, pk: int):
    req = owner_requests(request.user).filter(pk=pk).first()
    if req is None:
        raise Http404(_("请求不存在或无权查看"))
    return req


@login_required
def my_requests(request):
    page = Paginator(owner_requests(request.user).order_by("-received_at", "-id"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/service/list.html", {"tab": "repair", "page": page})


@login_required
def request_new(request):
    units = list(my_units(request.user))
    if not units:
        raise PermissionDenied(_("您还没有登记的房屋，请联系物业服务中心"))
    menu = _menu(request.user, units)
    form = PortalRequestForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        units=units,
        menu=menu,
        initial={
            "type": request.GET.get("type", "repair")[:20],
            "fee_item": request.GET.get("item", "")[:10],
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        unit = next(u for u in units if str(u.pk) == d["unit"])
        repair = d["type"] == RequestType.REPAIR

        def call(d):
            with transaction.atomic():
                req = services.request_create(
                    actor=request.user,
                    project=unit.project,
                    type=d["type"],
                    content=d["content"],
                    channel=Channel.PORTAL,
                    unit=unit,
                    repair_scope=(d.get("repair_scope") or "") if repair else "",
                    fault_category=(d.get("fault_category") or "") if repair else "",
                    preferred_time=d["preferred_time"],
                    fee_item=d.get("fee_item") if d["type"] == RequestType.SPECIAL else None,
                )
                if d.get("photo"):
                    services.request_add_photo(
                        req, actor=request.user, image=d["photo"], stage=Photo.Stage.REPORT
                    )
            return req

        req = run_service(form, call)
        if req is not None:
            messages.success(request, _("已提交，单号 %(n)s。物业会尽快联系您。") % {"n": req.number})
            return redirect("portal:request", pk=req.pk)
    return render(
        request,
        "portal/service/new.html",
        {"tab": "repair", "form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


def _menu(user, units) -> list[tuple]:
    """The special-service menu of the owner's project (the first of their units' projects)."""
    return special_menu(user, units[0].project_id) if units else []


@login_required
def special_services(request):
    """R8.1: the priced special-service menu published to owners; each item is ordered with a time."""
    units = list(my_units(request.user))
    if not units:
        raise PermissionDenied(_("您还没有登记的房屋，请联系物业服务中心"))
    return render(request, "portal/service/menu.html", {"tab": "repair", "menu": _menu(request.user, units)})


@login_required
@require_safe
def photo(request, pk: int, photo_pk: int):
    """A photo of one of the owner's own requests; a neighbour's is a 404 like the request itself."""
    found = fetch(request_photo, request.user, pk, photo_pk, own_only=True)
    return serve_file(request, found.image, inline=True)


@login_required
def request_page(request, pk: int):
    req = _mine(request, pk)
    timeline = list(request_timeline(req))
    for e in timeline:
        e.label = ACTION_LABELS.get(e.action, e.action)
        if e.action in INTERNAL_NOTES:
            e.note = ""
    return render(
        request,
        "portal/service/detail.html",
        {
            "tab": "repair",
            "req": req,
            "timeline": timeline,
            "photos": list(req.photos.all()),
            # R3.10: the responsible party's answer reaches the owner once the desk has fed it back.
            "referrals": list(req.referrals.order_by("sent_at", "id")),
            "can_confirm": req.state == State.COMPLETED,
            "rate_form": RateForm() if req.state == State.CLOSED and req.rated_at is None else None,
        },
    )


@login_required
def request_confirm(request, pk: int):
    req = _mine(request, pk)
    if request.method != "POST":
        return redirect("portal:request", pk=pk)
    try:
        services.request_confirm(req, actor=request.user)
        messages.success(request, _("已确认完成，欢迎评价本次服务。"))
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("portal:request", pk=pk)


@login_required
def request_rate(request, pk: int):
    req = _mine(request, pk)
    form = RateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        rated = run_service(
            form,
            lambda d: services.request_rate(
                req, actor=request.user, rating=d["rating"], comment=d["comment"]
            ),
        )
        if rated is not None:
            messages.success(request, _("感谢您的评价！"))
            return redirect("portal:request", pk=pk)
    return render(
        request,
        "portal/service/rate.html",
        {"tab": "repair", "req": req, "form": form},
        status=422 if form.is_bound and form.errors else 200,
    )
