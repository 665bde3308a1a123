"""The CAE's sign-off in the API: what awaits a CAE, decisions, a tender's request, the CAE's
threshold for invoice records, and the status changes its managers confirm."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from marketplace.approvals import statuses
from marketplace.approvals.decisions import decide, subjects_of
from marketplace.approvals.models import CaeApproval
from marketplace.approvals.operations import (
    approvals_for_cae,
    approving_cae,
    get_approval,
    invoice_threshold,
    set_invoice_threshold,
)
from marketplace.approvals.schemas import (
    Approval,
    ApprovalDecisionInput,
    ApprovalList,
    ApprovalQuery,
    ApprovalSettings,
    ApprovalSettingsInput,
    CaeStatuses,
    StatusDecisionInput,
    TenderApprovals,
)
from marketplace.approvals.tenders import request_approvals
from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import page_args, page_body
from marketplace.blueprints.api.profiles import profile_json
from marketplace.blueprints.api.serializers import cae_ref
from marketplace.blueprints.api.spec import ACTION_ERRORS, operations_for
from marketplace.blueprints.api.tenders import approvals_json
from marketplace.caes.models import Cae
from marketplace.links import external_url
from marketplace.pagination import paginate
from marketplace.profiles.schemas import Profile
from marketplace.tenders.operations import get_tender

operation = operations_for("approvals", write_limit="60 per minute")


def approval_json(approval: CaeApproval, subjects: dict | None = None) -> dict[str, Any]:
    subjects = subjects if subjects is not None else subjects_of([approval])
    subject = subjects.get((approval.subject_kind, approval.subject_id))
    return Approval.of(
        approval,
        cae=cae_ref(approval.cae),
        subject={
            "kind": approval.subject_kind,
            "id": approval.subject_id,
            "title": subject.title if subject else "",
            "amount_cents": subject.amount_cents if subject else None,
            "url": external_url(subject.endpoint, **subject.args) if subject else "",
        },
        comment=approval.comment or "",
    )


def _managed_cae(cae_id: int) -> Cae:
    return approving_cae(require_user(), cae_id)


@bp.get("/caes/<int:cae_id>/approvals")
@operation.paged(
    "listCaeApprovals",
    query=ApprovalQuery,
    ok=(ApprovalList, "A page of the CAE's approvals."),
    errors=(400, 401, 404, 422),
)
def cae_approvals(cae_id: int, query: ApprovalQuery) -> Any:
    """What a CAE was asked to sign, oldest request first (its managers and admins; 404 for
    everyone else).
    """
    user = require_user()
    page, per_page = page_args()
    rows, total = paginate(approvals_for_cae(user, cae_id, query.state), page, per_page)
    subjects = subjects_of(rows)
    return ApprovalList.out(
        **page_body(rows, total, page, per_page, lambda a: approval_json(a, subjects))
    )


@bp.post("/approvals/<int:approval_id>/decision")
@operation.act("decideApproval", body=ApprovalDecisionInput, ok=(Approval, "The decided approval."))
def decide_approval(approval_id: int, body: ApprovalDecisionInput) -> Any:
    """Approve, or refuse with a comment (the managers of that CAE and admins; 404 for others;
    409 when already decided or no longer awaited).
    """
    user = require_user()
    approval = get_approval(user, approval_id)
    decide(user, approval, body.approve, body.comment)
    return approval_json(approval)


@bp.post("/tenders/<int:tender_id>/approvals")
@operation.act(
    "requestTenderApprovals", ok=(TenderApprovals, "Each CAE of the team and its approval.")
)
def request_tender_approvals(tender_id: int) -> Any:
    """Ask every CAE of the team that has not approved the current team (the owner): their
    managers are notified; 409 once the offer is submitted.
    """
    user = require_user()
    tender = get_tender(user, tender_id)
    asked = request_approvals(user, tender)
    return TenderApprovals.out(items=approvals_json(tender), asked=len(asked))


@bp.get("/caes/<int:cae_id>/approval-settings")
@operation.read(
    "getCaeApprovalSettings", ok=(ApprovalSettings, "The CAE's rule."), errors=(401, 404)
)
def approval_settings(cae_id: int) -> Any:
    """The amount above which an invoice record between CAEs needs this CAE's approval."""
    cae = _managed_cae(cae_id)
    return ApprovalSettings.out(cae_id=cae.id, invoice_threshold_cents=invoice_threshold(cae.id))


@bp.patch("/caes/<int:cae_id>/approval-settings")
@operation.update(
    "setCaeApprovalSettings", body=ApprovalSettingsInput, ok=(ApprovalSettings, "The rule.")
)
def patch_approval_settings(cae_id: int, body: ApprovalSettingsInput) -> Any:
    """Set the amount (HT, cents; null: none) above which an invoice record between CAEs needs
    this CAE's approval (its managers and admins).
    """
    cae = _managed_cae(cae_id)
    cents = body.invoice_threshold_cents
    setting = set_invoice_threshold(require_user(), cae, cents)
    return ApprovalSettings.out(
        cae_id=cae.id, invoice_threshold_cents=setting.invoice_threshold_cents
    )


@bp.get("/caes/<int:cae_id>/statuses")
@operation.read(
    "getCaeStatuses",
    ok=(CaeStatuses, "Status changes to confirm and who must become associé·e."),
    errors=(401, 404),
)
def cae_statuses(cae_id: int) -> Any:
    """The status changes awaiting the CAE's confirmation, and its entrepreneur·es salarié·es
    with the day by which they must become associé·es (L7331-3), soonest first.
    """
    cae = _managed_cae(cae_id)
    user = current_user
    return CaeStatuses.out(
        proposals=[
            {
                "profile_id": p.id,
                "display_name": p.display_name,
                "status": p.status,
                "status_proposed": p.status_proposed,
                "proposed_at": p.status_proposed_at,
            }
            for p in statuses.proposals(user, cae.id)
        ],
        associates_due=[
            {
                "profile_id": row.profile.id,
                "display_name": row.profile.display_name,
                "cesa_started_on": row.profile.cesa_started_on,
                "cape_started_on": row.profile.cape_started_on,
                "due_on": row.due_on,
                "overdue": row.overdue,
            }
            for row in statuses.associates_due(user, cae.id)
        ],
    )


@bp.post("/profiles/<int:profile_id>/status-decision")
@operation.act(
    "decideProfileStatus",
    body=StatusDecisionInput,
    ok=(Profile, "The profile, with its confirmed status."),
    errors=ACTION_ERRORS,
)
def decide_status(profile_id: int, body: StatusDecisionInput) -> Any:
    """Confirm the status a member proposed, with the start date of the contract (CAPE or CESA),
    or refuse it (managers of the member's CAE and admins; 404 for others).
    """
    profile = statuses.decide_status(require_user(), profile_id, body.confirm, body.started_on)
    return profile_json(profile)
