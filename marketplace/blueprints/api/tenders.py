"""Joint tenders: list and search, post, edit and move, applications, decisions, suggestions."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.approvals.tenders import signatures
from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import page_args, page_body, paged, paged_list
from marketplace.blueprints.api.serializers import cae_ref
from marketplace.blueprints.api.spec import (
    ACTION_ERRORS,
    operations_for,
)
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db
from marketplace.links import base_host, external_url
from marketplace.pagination import offset_of
from marketplace.places.search import with_distance
from marketplace.tenders import exports
from marketplace.tenders.bounded import suggestion_page
from marketplace.tenders.law import Warning
from marketplace.tenders.listing import search_tenders
from marketplace.tenders.models import Tender as TenderRow
from marketplace.tenders.models import TenderApplication as ApplicationRow
from marketplace.tenders.notices import build_team, source_of
from marketplace.tenders.operations import (
    TenderFilters,
    applications_for,
    apply,
    create_tender,
    decide,
    get_tender,
    update_tender,
)
from marketplace.tenders.schemas import (
    SuggestionQuery,
    TeamFromNotice,
    Tender,
    TenderApplication,
    TenderApplicationCreate,
    TenderApplicationList,
    TenderCreate,
    TenderDecision,
    TenderList,
    TenderQuery,
    TenderSuggestion,
    TenderSuggestionList,
    TenderUpdate,
)
from marketplace.tenders.suggestions import Suggestion
from marketplace.tenders.team import TeamView, all_warnings, contract_peers, team_of

operation = operations_for("tenders", write_limit="30 per minute")


def approvals_json(tender: TenderRow) -> list[dict[str, Any]]:
    """Each CAE of the team and where it stands in signing the offer."""
    return [
        {
            "cae": cae_ref(s.cae),
            "state": s.state,
            "approval_id": s.approval.id if s.approval is not None else None,
            "comment": s.approval.comment if s.approval is not None else "",
        }
        for s in signatures(tender)
    ]


def tender_json(
    tender: TenderRow, peers: list[TenderRow] | None = None, *, signed: bool = False
) -> dict[str, Any]:
    """The tender; ``peers``: the other teams for the same contract (read when not given);
    ``signed``: with its CAEs' approvals (one tender; lists leave them null)."""
    team = team_of(tender)
    return Tender.of(
        tender,
        buyer={"name": tender.buyer_name, "kind": tender.buyer_kind},
        reference=tender.reference or "",
        procedure=tender.procedure or "",
        description=tender.description or "",
        city=tender.city or "",
        lots=[
            {
                "id": lot.id,
                "number": lot.number,
                "title": lot.title,
                "skills": lot.skill_names,
                "estimated_amount_cents": lot.estimated_amount_cents,
                "vat_regime": lot.vat_regime,
                "vat_rate": (lot.vat_rate or "20.0") if lot.vat_regime == "standard" else None,
            }
            for lot in tender.lots
        ],
        owner={"profile_id": tender.owner.id, "display_name": tender.owner.display_name}
        if tender.owner is not None
        else None,
        source=source_of(tender),
        team=_team_json(team),
        warnings=_warnings_json(all_warnings(current_user, tender, team, peers)),
        approvals=approvals_json(tender) if signed else None,
        url=external_url("tenders.show", tender_id=tender.id),
    )


def _team_json(team: TeamView) -> dict[str, Any]:
    return {
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
                "works_for_profile_id": m.works_for_profile_id,
                "internal_split": m.internal_split,
                "share_incl_vat_cents": m.share_incl_vat_cents,
            }
            for m in team.members
        ],
        "shares_total_cents": team.shares_total_cents,
        "lots": [
            {
                "lot_id": shape.lot.id,
                "number": shape.lot.number,
                "shape": shape.shape,
                "form": shape.form,
                "cae_ids": [c.id for c in shape.caes if c is not None],
            }
            for shape in team.lots
            if shape.lot is not None
        ],
        "explanation": team.explanation,
    }


def _warnings_json(warnings: list[Warning]) -> list[dict[str, str]]:
    return [{"code": w.code, "message": w.message} for w in warnings]


def _tender_page(filters: TenderFilters, page: int, per_page: int) -> tuple[list[dict], int]:
    """A page of tenders, the other teams for their contracts read once for the page."""
    rows, total = search_tenders(current_user, filters, page, per_page)
    rows = list(rows)
    peers = contract_peers(current_user, rows)
    return [
        with_distance(tender_json(t, peers.get(t.id, [])), t, filters.place) for t in rows
    ], total


def application_json(application: ApplicationRow) -> dict[str, Any]:
    applicant = application.applicant
    return TenderApplication.of(
        application,
        applicant={
            "profile_id": applicant.id,
            "display_name": applicant.display_name,
            "cae": cae_ref(applicant.user.cae),
        },
        applicant_profile_id=applicant.id,
        lot_ids=[lot.id for lot in application.lots],
        message=application.message or "",
    )


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    c = s.candidate
    return TenderSuggestion.of(
        c,
        cae={"id": c.cae_id, "name": c.cae_name} if c.cae_id is not None else None,
        matched_skills=s.matched,
        missing_skills=s.missing,
        score=s.score,
        lot_ids=s.lot_ids,
    )


@bp.get("/tenders")
@operation.paged("listTenders", query=TenderQuery, ok=(TenderList, "A page of tenders."))
def tenders(query: TenderQuery) -> Any:
    """Visible tenders, nearest deadline first (with q: best first)."""
    filters = TenderFilters(**query.model_dump())
    return paged(partial(_tender_page, filters), lambda item: item)


@bp.post("/tenders")
@operation.create("createTender", body=TenderCreate, ok=(Tender, "The tender."))
def post_tender(body: TenderCreate) -> Any:
    """Post a tender; the caller is the owner, the first member of the team and its lead."""
    return tender_json(create_tender(require_user(), body), signed=True)


@bp.get("/tenders/<int:tender_id>")
@operation.read("getTender", ok=(Tender, "The tender."))
def tender(tender_id: int) -> Any:
    """One tender (404 when not visible)."""
    return tender_json(get_tender(current_user, tender_id), signed=True)


@bp.post("/tenders/<int:tender_id>/team")
@operation.create(
    "buildTeamFromNotice",
    body=TeamFromNotice,
    body_required=False,
    ok=(Tender, "The caller's new joint tender, built from the notice."),
    errors=(400, 401, 403, 404, 409, 422, 429),
)
def post_team(tender_id: int, body: TeamFromNotice) -> Any:
    """Build one's team's joint tender from an imported public notice.

    The buyer, reference, deadline, lots (with their competences) and link are copied; the
    caller is its owner, first member and lead. 409 when the notice is closed, past its
    deadline, not a notice, or when the caller already built one from it.
    """
    user = require_user()
    return tender_json(build_team(user, get_tender(user, tender_id), body))


@bp.patch("/tenders/<int:tender_id>")
@operation.update(
    "updateTender",
    body=TenderUpdate,
    ok=(Tender, "The tender."),
    errors=ACTION_ERRORS,
    limit="60 per minute",
)
def patch_tender(tender_id: int, body: TenderUpdate) -> Any:
    """Edit (owner): fields, lots given whole, status moves (409 when not allowed), the group's form
    and lead, members' lots, shares and the cotraitant a subcontractor works for.

    Changes of the team, of the procedure and of its applications' deadline answer 409 once the team
    is fixed (``team_fixed_at``). Shares above the estimate are returned in ``warnings``.
    """
    user = require_user()
    return tender_json(update_tender(user, get_tender(user, tender_id), body), signed=True)


@bp.post("/tenders/<int:tender_id>/applications")
@operation.write(
    "applyToTender",
    body=TenderApplicationCreate,
    ok=(201, TenderApplication, "The application (state pending)."),
    errors=(400, 401, 404, 409, 422, 429),
)
def post_application(tender_id: int, body: TenderApplicationCreate) -> Any:
    """Apply for lots → pending; 409 after the deadline, when not open, or when already applied."""
    user = require_user()
    return application_json(apply(user, get_tender(user, tender_id), body))


@bp.get("/tenders/<int:tender_id>/applications")
@operation.paged(
    "listTenderApplications", ok=(TenderApplicationList, "Applications."), errors=(400, 401, 404)
)
def list_applications(tender_id: int) -> Any:
    """The owner sees every application; an applicant only their own."""
    user = require_user()
    return paged_list(applications_for(user, get_tender(user, tender_id)), application_json)


@bp.post("/tenders/<int:tender_id>/applications/<int:application_id>/decision")
@operation.act(
    "decideTenderApplication",
    body=TenderDecision,
    ok=(TenderApplication, "The decided application."),
    limit="60 per minute",
)
def decide_application(tender_id: int, application_id: int, body: TenderDecision) -> Any:
    """The owner accepts (with a share) or declines; shares above the estimate are a warning
    (``warnings``), not a refusal; 409 once the team is fixed.
    """
    user = require_user()
    tender = get_tender(user, tender_id)
    application = db.session.get(ApplicationRow, application_id)
    if application is None or application.tender_id != tender.id:
        raise NotFound(_("This application does not exist."))
    decide(user, application, body.accept, body.share_cents)
    out = application_json(application)
    out["warnings"] = _warnings_json(all_warnings(user, tender, team_of(tender)))
    return out


@bp.get("/tenders/<int:tender_id>/suggestions")
@operation.paged(
    "tenderSuggestions",
    query=SuggestionQuery,
    ok=(TenderSuggestionList, "Ranked people."),
    errors=(400, 401, 404, 422),
)
def tender_suggestions(tender_id: int, query: SuggestionQuery) -> Any:
    """Visible people whose competences cover the lot's skills (or all lots'), team members left
    out, best first.
    """
    tender = get_tender(current_user, tender_id)
    lot = None
    if query.lot is not None:
        lot = next((x for x in tender.lots if x.id == query.lot), None)
        if lot is None:
            raise ValidationError(_("Some filters are not valid."), {"lot": [_("Unknown lot.")]})
    page, per_page = page_args()
    start = offset_of(page, per_page)
    ranked, total = suggestion_page(current_user, tender, lot, start, start + per_page)
    return page_body(ranked, total, page, per_page, suggestion_json)


@bp.get("/tenders/<int:tender_id>/calendar.ics")
@operation.read(
    "tenderCalendar", content_type="text/calendar", ok=({"type": "string"}, "RFC 5545 calendar.")
)
def tender_calendar(tender_id: int) -> Any:
    """The deadline as an iCalendar event."""
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
