"""Joint tenders in HTML: browse, post and edit, the tender's page, apply, decide, exports."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from marketplace import labels
from marketplace.approvals.tenders import approval_history, request_approvals, signatures
from marketplace.blueprints.confirm import confirm_first
from marketplace.blueprints.outcomes import ANY_REFUSAL, flash_errors, form_errors, require_valid
from marketplace.blueprints.paging import filtered_list
from marketplace.blueprints.references import consent_form, save_consent
from marketplace.collectives.queries import collectives_of_member
from marketplace.collectives.visibility import can_view_collective
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.formatting import cents_to_input, parse_euros
from marketplace.ids import parse_id
from marketplace.tenders import exports, law
from marketplace.tenders.bounded import tender_suggestions
from marketplace.tenders.forms import (
    ApplyForm,
    BuildTeamForm,
    DecisionForm,
    ShareForm,
    StatusForm,
    TeamForm,
    TenderFilterForm,
    TenderForm,
)
from marketplace.tenders.listing import search_tenders
from marketplace.tenders.models import TenderApplication, TenderStatus
from marketplace.tenders.notices import build_team, team_tender_of
from marketplace.tenders.operations import (
    TenderFilters,
    allowed_moves,
    applications_for,
    apply,
    change_status,
    create_tender,
    deadline_passed,
    decide,
    get_tender,
    is_owner,
    set_members,
    set_team,
    update_tender,
)
from marketplace.tenders.procedure import applications_closed
from marketplace.tenders.schemas import (
    TeamFromNotice,
    TenderApplicationCreate,
    TenderCreate,
    TenderUpdate,
)
from marketplace.tenders.team import all_warnings, lead_cae_id, team_of
from marketplace.tenders.thresholds import thresholds_in_force
from marketplace.tenders.timing import countdown, tender_countdown
from marketplace.trust.forms import ConsentForm
from marketplace.trust.operations import consent_by, set_tender_consent

bp = Blueprint("tenders", __name__, url_prefix="/appels-d-offres")
PER_PAGE = 20


@bp.app_template_filter("countdown")
def countdown_filter(deadline) -> str:
    return countdown(deadline)


@bp.app_template_filter("tender_countdown")
def tender_countdown_filter(tender) -> str:
    """A tender's countdown, or nothing once it is submitted, won, lost or cancelled."""
    return tender_countdown(tender.status, tender.deadline)


def _tender_or_404(tender_id: int):
    return get_tender(current_user, tender_id)  # NotFound: the 404 page


#: The tabs of the list: (source filter, label).
TABS = (("", _l("All")), ("members", _l("Members' tenders")), ("boamp", _l("Public notices")))


@bp.get("")
def index():
    form = TenderFilterForm(formdata=request.args)
    args = form.active_args()
    others: dict[str, Any] = {k: v for k, v in args.items() if k != "source"}
    tabs = [
        {
            "label": label,
            "url": url_for("tenders.index", **(others | ({"source": value} if value else {}))),
            "current": (args.get("source") or "") == value,
        }
        for value, label in TABS
    ]

    return filtered_list("tenders", form, search_tenders, TenderFilters, PER_PAGE, tabs=tabs)


@bp.route("/nouveau", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        form = TenderForm(formdata=None)
        wanted = request.args.get("collective", "")
        form.collective.data = wanted if wanted.isdigit() and len(wanted) < 10 else ""
        return _form_page(form, None)
    return _save(TenderForm(), None)


@bp.route("/<int:tender_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(tender_id: int):
    tender = _tender_or_404(tender_id)
    if not is_owner(current_user, tender):
        abort(403)
    if request.method == "GET":
        return _form_page(TenderForm.for_tender(tender), tender)
    return _save(TenderForm(), tender)


def _save(form: TenderForm, tender):
    if form.add_rows.data:
        form.add_empty_rows()
        return _form_page(form, tender)
    form.validate()
    data = form.tender_data()
    # Every field is checked in one pass: the schema's messages join those of the amounts the
    # form refused (left out of `data`), and only a clean form reaches the operation.
    checked = not form.has_errors
    with form_errors(form, lambda: _form_page(form, tender), catch=ANY_REFUSAL):
        if tender is None:
            created = TenderCreate.load(data)
            if checked:
                tender = create_tender(current_user, created)
        else:
            changes = TenderUpdate.load(data, partial=True)
            if checked:
                update_tender(current_user, tender, changes)
    if form.has_errors:
        return _form_page(form, tender), 422
    flash(_("The tender is saved."), "success")
    return redirect(url_for("tenders.show", tender_id=tender.id))


def _form_page(form: TenderForm, tender):
    form.offer_collectives(collectives_of_member(current_user))
    return render_template(
        "tenders/form.html", form=form, tender=tender, thresholds=thresholds_in_force()
    )


@bp.get("/<int:tender_id>")
def show(tender_id: int):
    tender = _tender_or_404(tender_id)
    if tender.is_notice:
        return _notice_page(tender)
    return _show_page(tender)


def _notice_page(notice, form=None, status=200):
    """A public notice: what it asks, and "Build a team" for a verified member."""
    mine = team_tender_of(current_user, notice)
    can_build = (
        mine is None
        and current_user.is_authenticated
        and current_user.is_verified
        and current_user.profile is not None
        and notice.status == "open"
        and not deadline_passed(notice)
    )
    body = render_template(
        "tenders/notice.html",
        tender=notice,
        mine=mine,
        form=(form or BuildTeamForm(formdata=None)) if can_build else None,
    )
    return body, status


@bp.post("/<int:tender_id>/monter-une-equipe")
@login_required
def build(tender_id: int):
    """ "Build a team": the member's joint tender from a public notice, then its page."""
    notice = _tender_or_404(tender_id)
    existing = team_tender_of(current_user, notice)
    if existing is not None:
        flash(_("You have already built a team from this notice."), "info")
        return redirect(url_for("tenders.show", tender_id=existing.id))
    form = BuildTeamForm()
    form.validate()
    with (
        _refused(url_for("tenders.show", tender_id=notice.id)),
        form_errors(form, lambda: _notice_page(notice, form)),
    ):
        tender = build_team(current_user, notice, TeamFromNotice.load(form.body()))
    flash(_("Your team's tender is ready: invite partners and complete it."), "success")
    return redirect(url_for("tenders.show", tender_id=tender.id))


def _show_page(tender, apply_form=None, status=200):
    owner = is_owner(current_user, tender)
    team = team_of(tender)
    team_ids = {m.profile.id for m in team.members}
    mine = current_user.profile if current_user.is_authenticated else None
    applications = applications_for(current_user, tender)
    can_apply = (
        mine is not None
        and tender.status == "open"
        and not applications_closed(tender)
        and mine.id not in team_ids
        and not any(a.applicant_profile_id == mine.id for a in tender.applications)
    )
    if apply_form is None and can_apply:
        apply_form = ApplyForm(formdata=None)
    # People of the lead's CAE join the CAE's own bid: its words, not a groupement's.
    leads_cae = lead_cae_id(tender)
    same_cae = leads_cae is not None and mine is not None and mine.user.cae_id == leads_cae
    if apply_form is not None:
        apply_form.lot_ids.choices = [(lot.id, f"{lot.number}. {lot.title}") for lot in tender.lots]
        apply_form.role.choices = list(law.apply_roles(same_cae).items())
        if same_cae:
            apply_form.role.label.text = _("Role")
    team_form = None
    if owner:
        team_form = TeamForm(
            formdata=None,
            data={"lead_profile_id": tender.lead_profile_id, "form": tender.form or ""},
        )
        team_form.lead_profile_id.choices = [
            (m.profile.id, m.profile.display_name)
            for m in team.members
            if m.role != "subcontractor"
        ]
        team_form.form.choices = [
            ("", _("— not chosen —")),
            ("conjoint", _("conjoint")),
            ("solidaire", _("solidaire")),
        ]
        team_form.lead_profile_id.label.text = (
            _("Mandataire") if team.groupement else _("Person in charge of the bid")
        )
    viewer_in_team = mine is not None and mine.id in team_ids
    # Suggestions are for the people building the team (one bounded read for both).
    by_lot, cover = (
        tender_suggestions(current_user, tender) if owner or viewer_in_team else ({}, None)
    )

    collective = tender.collective
    signing = owner or viewer_in_team or current_user.manages(tender.owner_cae_id)
    body = render_template(
        "tenders/show.html",
        tender=tender,
        posted_for=collective
        if collective and can_view_collective(current_user, collective)
        else None,
        team=team,
        owner=owner,
        same_cae=same_cae,
        leads_cae=leads_cae,
        applications=applications,
        apply_form=apply_form if can_apply or apply_form is not None else None,
        team_form=team_form,
        decision_form=DecisionForm(formdata=None),
        status_form=StatusForm(formdata=None),
        share_form=ShareForm(formdata=None),
        moves=allowed_moves(current_user, tender),
        frozen=applications_closed(tender),
        warnings=all_warnings(current_user, tender, team),
        law=law,
        by_lot=by_lot,
        cover=cover,
        cents_to_input=cents_to_input,
        applied={a.applicant_profile_id for a in tender.applications if a.state == "pending"},
        signatures=signatures(tender) if signing else None,
        approval_history=approval_history(tender) if signing else [],
        **_reference_consent(tender, viewer_in_team or owner),
    )
    return body, status


def _reference_consent(tender, in_team: bool) -> dict[str, Any]:
    """The form by which a member of a won tender's team shows it on their profile."""
    if tender.status != "won" or not in_team:
        return {"consent_form": None}
    return {
        "consent_form": consent_form(tender_id=tender.id),
        "owner_consents": consent_by(tender.owner_profile_id, tender_id=tender.id) is not None,
    }


@bp.post("/<int:tender_id>/reference")
@login_required
def reference_consent(tender_id: int):
    tender = _tender_or_404(tender_id)
    form = ConsentForm()
    target = url_for("tenders.show", tender_id=tender_id) + "#reference"
    require_valid(form, target)
    return save_consent(form, lambda body: set_tender_consent(current_user, tender, body), target)


@bp.post("/<int:tender_id>/candidature")
@login_required
def apply_to(tender_id: int):
    tender = _tender_or_404(tender_id)
    form = ApplyForm()
    form.lot_ids.choices = [(lot.id, str(lot.number)) for lot in tender.lots]
    form.validate()
    with (
        _refused(url_for("tenders.show", tender_id=tender.id)),
        form_errors(form, lambda: _show_page(tender, form)),  # input first: the same page
    ):
        body = TenderApplicationCreate.load(
            {
                "lot_ids": form.lot_ids.data or [],
                "role": form.role.data,
                "message": form.message.data or "",
            }
        )
        apply(current_user, tender, body)
    flash(_("Your application is sent."), "success")
    return redirect(url_for("tenders.show", tender_id=tender.id))


@bp.post("/<int:tender_id>/candidatures/<int:application_id>/decision")
@login_required
def decision(tender_id: int, application_id: int):
    tender = _tender_or_404(tender_id)
    application = db.session.get(TenderApplication, application_id)
    if application is None or application.tender_id != tender.id:
        abort(404)
    if not is_owner(current_user, tender):
        abort(403)
    form = DecisionForm()
    share = None
    try:
        share = parse_euros(form.share.data) if form.accept.data else None
    except ValueError:
        g.rollback_only = True
        flash(_("Enter an amount in euros, e.g. 45000 or 45 000,50."), "error")
        return redirect(url_for("tenders.show", tender_id=tender.id) + "#candidatures"), 303
    with _refused(url_for("tenders.show", tender_id=tender.id) + "#candidatures"):
        decide(current_user, application, bool(form.accept.data), share)
    flash(_("The decision is saved."), "success")
    return redirect(url_for("tenders.show", tender_id=tender.id) + "#equipe")


def _refused(target: str):
    """Any refusal of a tender's action: its message, nothing saved, back to the tender."""
    return flash_errors(target, catch=ANY_REFUSAL, status=303, rollback=True)


def _owner_action(tender_id: int, action):
    tender = _tender_or_404(tender_id)
    if not is_owner(current_user, tender):
        abort(403)
    with _refused(url_for("tenders.show", tender_id=tender_id)):
        action(tender)
    flash(_("Saved."), "success")
    return redirect(url_for("tenders.show", tender_id=tender_id))


@bp.post("/<int:tender_id>/statut")
@login_required
def status(tender_id: int):
    form = StatusForm()

    def act(tender):
        if form.to.data == TenderStatus.CANCELLED.value:  # the owner confirms a cancellation
            confirm_first(
                _("Cancel this tender? The team is told and nobody can apply any more."),
                labels.TENDER_MOVE[TenderStatus.CANCELLED.value],
                url_for("tenders.show", tender_id=tender_id),
            )
        change_status(current_user, tender, form.to.data or "")

    return _owner_action(tender_id, act)


@bp.post("/<int:tender_id>/approbations")
@login_required
def ask_approvals(tender_id: int):
    """The owner asks the team's CAEs again (after a refusal or a change of the team)."""
    return _owner_action(tender_id, lambda t: request_approvals(current_user, t))


@bp.post("/<int:tender_id>/equipe")
@login_required
def team(tender_id: int):
    form = TeamForm()
    form.lead_profile_id.choices = []

    def act(tender):
        lead = parse_id(request.form.get("lead_profile_id"))
        shape = form.form.data if form.form.data in ("conjoint", "solidaire") else None
        set_team(current_user, tender, shape, lead)

    return _owner_action(tender_id, act)


@bp.post("/<int:tender_id>/part")
@login_required
def share(tender_id: int):
    form = ShareForm()

    def act(tender):
        try:
            cents = parse_euros(form.share.data)
        except ValueError:
            raise ValidationError(_("Enter an amount in euros, e.g. 45000 or 45 000,50.")) from None
        profile_id = parse_id(form.profile_id.data) or 0
        lot_ids = [i for i in map(parse_id, request.form.getlist("lot_ids")) if i is not None]
        item = {"profile_id": profile_id, "share_cents": cents, "lot_ids": lot_ids}
        if "works_for_profile_id" in request.form:
            item["works_for_profile_id"] = parse_id(request.form["works_for_profile_id"])
        set_members(current_user, tender, [item])

    return _owner_action(tender_id, act)


@bp.get("/<int:tender_id>/fiche-equipe")
def sheet(tender_id: int):
    tender = _tender_or_404(tender_id)
    team = team_of(tender)
    return render_template(
        "tenders/sheet.html",
        tender=tender,
        team=team,
        law=law,
        warnings=all_warnings(current_user, tender, team),
    )


@bp.get("/<int:tender_id>/equipe.csv")
def team_csv(tender_id: int):
    tender = _tender_or_404(tender_id)
    return Response(
        exports.team_csv(tender).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="equipe-appel-d-offres-{tender.id}.csv"',
            "Cache-Control": "private, no-store",
        },
    )
