"""Joint tenders: list and search, post, edit and move, applications, decisions, suggestions."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.blueprints.api.auth import rate_limit_key, require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import page_args, page_body
from marketplace.blueprints.api.profiles import json_object
from marketplace.blueprints.api.serializers import cae_ref, iso_datetime
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db, limiter
from marketplace.geo import normalize_department
from marketplace.ids import parse_id
from marketplace.links import base_host, external_url
from marketplace.pagination import offset_of
from marketplace.tenders import exports
from marketplace.tenders.listing import search_tenders
from marketplace.tenders.models import Tender, TenderApplication, TenderStatus
from marketplace.tenders.operations import (
    TenderFilters,
    applications_for,
    apply,
    create_tender,
    decide,
    get_tender,
    update_tender,
)
from marketplace.tenders.suggestions import Suggestion, suggestions
from marketplace.tenders.team import team_of
from marketplace.text import clean
from marketplace.timeutil import PARIS, as_utc


def tender_json(tender: Tender) -> dict[str, Any]:
    team = team_of(tender)
    return {
        "id": tender.id,
        "title": tender.title,
        "buyer": {"name": tender.buyer_name, "kind": tender.buyer_kind},
        "reference": tender.reference or "",
        "source_url": tender.source_url,
        "procedure": tender.procedure or "",
        "deadline": iso_datetime(tender.deadline),
        "description": tender.description or "",
        "city": tender.city or "",
        "department": tender.department,
        "estimated_amount_cents": tender.estimated_amount_cents,
        "lots": [
            {
                "id": lot.id,
                "number": lot.number,
                "title": lot.title,
                "skills": lot.skill_names,
                "estimated_amount_cents": lot.estimated_amount_cents,
            }
            for lot in tender.lots
        ],
        "audience": tender.audience,
        "status": tender.status,
        "owner": {"profile_id": tender.owner.id, "display_name": tender.owner.display_name},
        "collective_id": tender.collective_id,
        "team": {
            "form": team.form,
            "lead_profile_id": team.lead_profile_id,
            "kind": team.kind,
            "members": [
                {
                    "profile_id": m.profile.id,
                    "display_name": m.profile.display_name,
                    "cae": cae_ref(m.cae),
                    "role": m.role,
                    "lot_ids": [lot.id for lot in m.lots],
                    "share_cents": m.share_cents,
                    "direct_payment": m.direct_payment,
                }
                for m in team.members
            ],
            "shares_total_cents": team.shares_total_cents,
        },
        "updated_at": iso_datetime(tender.updated_at),
        "url": external_url("tenders.show", tender_id=tender.id),
    }


def application_json(application: TenderApplication) -> dict[str, Any]:
    applicant = application.applicant
    return {
        "id": application.id,
        "tender_id": application.tender_id,
        "state": application.state,
        "applicant": {
            "profile_id": applicant.id,
            "display_name": applicant.display_name,
            "cae": cae_ref(applicant.user.cae),
        },
        "applicant_profile_id": applicant.id,
        "lot_ids": [lot.id for lot in application.lots],
        "role": application.role,
        "message": application.message or "",
        "share_cents": application.share_cents,
        "created_at": iso_datetime(application.created_at),
        "decided_at": iso_datetime(application.decided_at),
    }


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    c = s.candidate
    return {
        "profile_id": c.profile_id,
        "display_name": c.display_name,
        "cae": {"id": c.cae_id, "name": c.cae_name} if c.cae_id is not None else None,
        "matched_skills": s.matched,
        "missing_skills": s.missing,
        "availability": c.availability,
        "department": c.department,
        "score": s.score,
        "lot_ids": s.lot_ids,
    }


def _arg(name: str) -> str | None:
    return clean(request.args.get(name))[:200] or None


def _filters() -> TenderFilters:
    fields: dict[str, list[str]] = {}
    filters = TenderFilters(q=_arg("q"), skill=_arg("skill"))
    if department := _arg("department"):
        filters.department = normalize_department(department)
        if filters.department is None:
            fields["department"] = [_("Unknown French department code (e.g. 69, 2A, 974).")]
    if status := _arg("status"):
        if status in TenderStatus.values():
            filters.status = status
        else:
            fields["status"] = [
                _("Choose one of: %(values)s.", values=", ".join(TenderStatus.values()))
            ]
    for name in ("deadline_after", "deadline_before"):
        if raw := _arg(name):
            try:
                value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                fields[name] = [_("Expected a date (YYYY-MM-DD) or an ISO 8601 datetime.")]
                continue
            if len(raw) == 10 and name == "deadline_before":
                value = datetime.combine(value.date(), time(23, 59, 59))
            if value.tzinfo is None:
                value = value.replace(tzinfo=PARIS)
            setattr(filters, name, as_utc(value))
    if fields:
        raise ValidationError(_("Some filters are not valid."), fields)
    return filters


@bp.get("/tenders")
def tenders():
    filters = _filters()
    page, per_page = page_args()
    items, total = search_tenders(current_user, filters, page, per_page)
    return jsonify(page_body(items, total, page, per_page, tender_json))


@bp.post("/tenders")
@limiter.limit("30 per minute", key_func=rate_limit_key)
def post_tender():
    tender = create_tender(require_user(), json_object())
    return jsonify(tender_json(tender)), 201


@bp.get("/tenders/<int:tender_id>")
def tender(tender_id: int):
    return jsonify(tender_json(get_tender(current_user, tender_id)))


@bp.patch("/tenders/<int:tender_id>")
@limiter.limit("60 per minute", key_func=rate_limit_key)
def patch_tender(tender_id: int):
    user = require_user()
    data = json_object()
    tender = update_tender(user, get_tender(user, tender_id), data)
    return jsonify(tender_json(tender))


@bp.post("/tenders/<int:tender_id>/applications")
@limiter.limit("30 per minute", key_func=rate_limit_key)
def post_application(tender_id: int):
    user = require_user()
    data = json_object()
    application = apply(user, get_tender(user, tender_id), data)
    return jsonify(application_json(application)), 201


@bp.get("/tenders/<int:tender_id>/applications")
def list_applications(tender_id: int):
    user = require_user()
    found = applications_for(user, get_tender(user, tender_id))
    page, per_page = page_args()
    start = offset_of(page, per_page)
    return jsonify(
        page_body(found[start : start + per_page], len(found), page, per_page, application_json)
    )


@bp.post("/tenders/<int:tender_id>/applications/<int:application_id>/decision")
@limiter.limit("60 per minute", key_func=rate_limit_key)
def decide_application(tender_id: int, application_id: int):
    user = require_user()
    data = json_object()
    tender = get_tender(user, tender_id)
    application = db.session.get(TenderApplication, application_id)
    if application is None or application.tender_id != tender.id:
        raise NotFound(_("This application does not exist."))
    if "accept" not in data:
        raise ValidationError(
            _("Some fields need your attention."), {"accept": [_("Expected true or false.")]}
        )
    decide(user, application, data.get("accept"), data.get("share_cents"))
    return jsonify(application_json(application))


@bp.get("/tenders/<int:tender_id>/suggestions")
def tender_suggestions(tender_id: int):
    tender = get_tender(current_user, tender_id)
    lot = None
    if raw := _arg("lot"):
        lot_id = parse_id(raw)
        lot = next((x for x in tender.lots if x.id == lot_id), None)
        if lot is None:
            raise ValidationError(_("Some filters are not valid."), {"lot": [_("Unknown lot.")]})
    page, per_page = page_args()
    start = offset_of(page, per_page)
    ranked, total = suggestions(current_user, tender, lot, start, start + per_page)
    return jsonify(page_body(ranked, total, page, per_page, suggestion_json))


@bp.get("/tenders/<int:tender_id>/calendar.ics")
def tender_calendar(tender_id: int):
    tender = get_tender(current_user, tender_id)
    url = external_url("tenders.show", tender_id=tender.id)
    body = exports.calendar_ics(tender, url, base_host())
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="appel-d-offres-{tender.id}.ics"',
            "Cache-Control": "private, no-store",
        },
    )
