"""Management pages: CAE managers verify memberships; admins also manage every CAE and roles."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from marketplace.accounts.forms import RoleForm
from marketplace.accounts.management import (
    cae_people,
    managed_cae,
    managed_person,
    membership_counts,
    membership_history,
    require_admin,
    require_manager,
    search_accounts,
)
from marketplace.accounts.models import MembershipState, Role, User
from marketplace.accounts.notify import send_membership_decision
from marketplace.accounts.operations import (
    MEMBERSHIP_TRANSITIONS,
    change_membership,
    change_role,
    verify_members,
)
from marketplace.approvals import statuses
from marketplace.approvals.decisions import decide as decide_approval
from marketplace.approvals.decisions import subjects_of
from marketplace.approvals.forms import ApprovalDecisionForm, StatusDecisionForm, ThresholdForm
from marketplace.approvals.models import SubjectKind
from marketplace.approvals.operations import (
    approving_cae,
    get_approval,
    invoice_threshold,
    recently_decided,
    set_invoice_threshold,
    waiting_for,
)
from marketplace.approvals.schemas import ApprovalSettingsInput
from marketplace.audit import entries
from marketplace.blueprints.confirm import confirm_first
from marketplace.blueprints.main import safe_next
from marketplace.blueprints.outcomes import form_errors, on_refusal
from marketplace.blueprints.paging import page_number, page_of
from marketplace.caes.forms import AccountSearchForm, DecisionForm
from marketplace.caes.models import Cae
from marketplace.desk.forms import BulkVerifyForm
from marketplace.desk.operations import desk_for
from marketplace.errors import Conflict, DomainError, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.formatting import cents_to_input, parse_euros
from marketplace.jobs.operations import failed_messages, outbox_counts, requeue
from marketplace.search import concepts as search_concepts
from marketplace.search import misses as search_misses
from marketplace.search.forms import ConceptForm, DeleteForm, MissLinkForm

bp = Blueprint("manage", __name__, url_prefix="/gestion")
DECISIONS = ("verified", "refused")


@bp.before_request
@login_required
def managers_only():
    """Signed-in CAE managers and admins only; the others get 403."""
    require_manager(current_user)


def _render_desk(error: str | None = None, status: int = 200, form: BulkVerifyForm | None = None):
    raw = request.args.get("cae", "")
    cae_id = int(raw) if raw.isdigit() and len(raw) < 10 else None
    desk = desk_for(current_user, cae_id)
    form = form or BulkVerifyForm(formdata=None)
    return render_template("manage/index.html", desk=desk, form=form, error=error), status


@bp.get("")
def index():
    """The support team's desk: what awaits the CAE (every CAE for administrators)."""
    return _render_desk()


@bp.post("/membres/verifier")
def verify_many():
    """Verify the ticked people of the dashboard at once (all or none; one winner each)."""
    form = BulkVerifyForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _render_desk(_("The form has expired. Please try again."), 422, form)
        return _render_desk(_("Tick the people to verify in the list."), 422, form)
    with on_refusal(
        lambda p: _render_desk(_message(p), p.status, form), catch=(ValidationError, Conflict)
    ):
        people = verify_members(current_user, form.people.data or [], form.note.data or "")
    for person in people:
        send_membership_decision(person)
    flash(
        ngettext(
            "%(num)d membership is verified.", "%(num)d memberships are verified.", len(people)
        ),
        "success",
    )
    return redirect(url_for("manage.index"))


# Members of a CAE -----------------------------------------------------------------------------


def _state_arg() -> str:
    state = request.args.get("etat", "pending")
    return state if state in MembershipState.values() else "pending"


def _render_members(cae: Cae, state: str, page: int, error: str | None = None, status: int = 200):
    people, pager = page_of(cae_people(current_user, cae.id, state), page=page)
    counts = membership_counts([cae.id]).get(cae.id, dict.fromkeys(MembershipState.values(), 0))
    return (
        render_template(
            "manage/members.html",
            cae=cae,
            state=state,
            people=people,
            pager=pager,
            counts=counts,
            transitions=MEMBERSHIP_TRANSITIONS,
            error=error,
        ),
        status,
    )


#: Shown on top of the list, with their status; refused actions stay the 403 page.
LIST_REFUSALS = (ValidationError, Conflict, NotFound)


def _message(problem: DomainError) -> str:
    """One sentence for an error shown at the top of a list page."""
    messages = [m for ms in problem.fields.values() for m in ms]
    return " ".join(messages) or problem.message or _("This change is not possible.")


@bp.get("/caes/<int:cae_id>/membres")
def members(cae_id: int):
    cae = managed_cae(current_user, cae_id)
    return _render_members(cae, _state_arg(), page_number())


@bp.post("/membres/<int:user_id>/decision")
def decide(user_id: int):
    person = managed_person(current_user, user_id)
    cae = person.cae
    assert cae is not None  # managed_person() answers only people of a CAE
    back = safe_next(request.form.get("next")) or url_for(
        "manage.members", cae_id=person.cae_id, etat=person.membership
    )
    form = DecisionForm()
    error = None
    if not form.validate_on_submit():
        error = _("The form has expired. Please try again.")
    elif form.decision.data not in DECISIONS:
        error = _("Choose to verify or to refuse the membership.")
    elif len((form.note.data or "").strip()) > 500:
        error = _("The note takes at most %(n)d characters.", n=500)
    if error is None:
        name = person.display_name
        if form.decision.data == "refused" and person.id != current_user.id:
            confirm_first(_("Refuse the membership of %(name)s?", name=name), _("Refuse"), back)
        with on_refusal(
            lambda problem: _render_members(
                cae, person.membership, 1, _message(problem), problem.status
            ),
            catch=LIST_REFUSALS,
        ):
            change_membership(current_user, person, form.decision.data, form.note.data or "")
        send_membership_decision(person)
        if person.membership == "verified":
            flash(_("The membership of %(name)s is verified.", name=name), "success")
        else:
            flash(_("The membership of %(name)s is refused.", name=name), "success")
        return redirect(back)
    return _render_members(cae, person.membership, 1, error, 422)


@bp.get("/caes/<int:cae_id>/historique")
def history(cae_id: int):
    cae = managed_cae(current_user, cae_id)
    events, pager = page_of(membership_history(current_user, cae.id))
    return render_template("manage/history.html", cae=cae, events=events, pager=pager)


# Accounts and roles (admins) ------------------------------------------------------------------


def _render_users(error: str | None = None, status: int = 200, q: str | None = None):
    search = AccountSearchForm(request.args)
    if q is not None:
        search.q.data = q
    users, pager = page_of(search_accounts(current_user, search.q.data or ""))
    args = {"q": search.q.data} if search.q.data else {}
    return (
        render_template(
            "manage/users.html",
            search=search,
            users=users,
            pager=pager,
            args=args,
            role_form=RoleForm(formdata=None),
            error=error,
        ),
        status,
    )


@bp.get("/journal")
def audit_log():
    """What managers and admins did (admins only)."""

    require_admin(current_user)
    rows, pager = page_of(entries(current_user))
    return render_template("manage/audit.html", entries=rows, pager=pager)


@bp.get("/comptes")
def users():
    require_admin(current_user)
    return _render_users()


@bp.post("/comptes/<int:user_id>/role")
def set_role(user_id: int):
    require_admin(current_user)
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound(_("This person does not exist."))
    form = RoleForm()
    if not form.validate_on_submit():
        return _render_users(_("The form has expired. Please try again."), 422)
    if form.role.data == "admin" and person.role != "admin":
        confirm_first(
            _(
                "Make %(name)s an administrator? Administrators can see and change everything "
                "on the site.",
                name=person.display_name,
            ),
            _("Make administrator"),
            safe_next(request.form.get("next")) or url_for("manage.users"),
        )
    with on_refusal(lambda p: _render_users(_message(p), p.status), catch=LIST_REFUSALS):
        change_role(current_user, person, form.role.data or "")
    flash(
        _(
            "%(name)s is now: %(role)s.",
            name=person.display_name,
            role=Role.label_of(person.role),
        ),
        "success",
    )
    return redirect(safe_next(request.form.get("next")) or url_for("manage.users"))


# E-mail that could not be sent (admins) -----------------------------------------------------------


def _render_outbox(error: str | None = None, status: int = 200):
    rows, pager = page_of(failed_messages(current_user))
    return (
        render_template(
            "manage/outbox.html",
            messages=rows,
            pager=pager,
            counts=outbox_counts(current_user),
            error=error,
        ),
        status,
    )


@bp.get("/courriels")
def outbox():
    """The e-mails given up after their last try, with a button to send each again (admins)."""
    return _render_outbox()


@bp.post("/courriels/<int:outbox_id>/renvoyer")
def resend_mail(outbox_id: int):
    with on_refusal(lambda p: _render_outbox(_message(p), p.status), catch=(Conflict,)):
        requeue(current_user, outbox_id)
    flash(_("The message will be sent again in a moment."), "success")
    return redirect(url_for("manage.outbox"))


# The CAE's sign-off: approvals (managers of the CAE, admins) ----------------------------------


def _own_cae() -> Cae | None:
    """The CAE a manager acts for (admins: none; they decide for every CAE)."""
    return current_user.cae if current_user.is_manager and not current_user.is_admin else None


def _render_approvals(error: str | None = None, status: int = 200, typed: dict | None = None):
    rows, pager = page_of(waiting_for(current_user))
    recent = recently_decided(current_user)
    cae = _own_cae()
    threshold_form = ThresholdForm(formdata=None)
    if cae is not None:
        threshold = invoice_threshold(cae.id)
        threshold_form.threshold.data = cents_to_input(threshold) if threshold is not None else ""
    return (
        render_template(
            "manage/approvals.html",
            approvals=rows,
            recent=recent,
            subjects=subjects_of([*rows, *recent]),
            kinds=SubjectKind,
            pager=pager,
            cae=cae,
            threshold_form=threshold_form,
            error=error,
            typed=typed or {},
        ),
        status,
    )


@bp.get("/approbations")
def approvals():
    """What awaits the CAE's approval (a tender's offer, an invoice record), oldest first."""
    return _render_approvals()


@bp.post("/approbations/<int:approval_id>")
def decide_approval_view(approval_id: int):
    approval = get_approval(current_user, approval_id)
    form = ApprovalDecisionForm()
    if not form.validate_on_submit():
        return _render_approvals(_("The form has expired. Please try again."), 422)
    if form.decision.data not in ("approve", "refuse"):
        return _render_approvals(_("Choose to approve or to refuse."), 422)
    typed = {approval.id: form.comment.data or ""}
    with on_refusal(lambda p: _render_approvals(_message(p), p.status, typed), LIST_REFUSALS):
        decide_approval(
            current_user, approval, form.decision.data == "approve", form.comment.data or ""
        )
    if approval.state == "approved":
        flash(_("Approved: the people concerned are told."), "success")
    else:
        flash(_("Refused: the people concerned are told, with your comment."), "success")
    return redirect(url_for("manage.approvals"))


@bp.post("/approbations/seuil")
def set_threshold():
    cae = _own_cae()
    if cae is None:
        raise NotFound(_("This CAE does not exist or is not visible to you."))
    form = ThresholdForm()
    if not form.validate_on_submit():
        return _render_approvals(_("The form has expired. Please try again."), 422)
    try:
        cents = parse_euros(form.threshold.data)
    except (ValueError, ArithmeticError):
        return _render_approvals(_("Type an amount in euros, e.g. 5 000 or 5000,00."), 422)
    with on_refusal(lambda p: _render_approvals(_message(p), p.status), LIST_REFUSALS):
        # The API's rule: from 0 to one billion euros (a negative amount, or one beyond the
        # column, is said in words, never a database error).
        body = ApprovalSettingsInput.load({"invoice_threshold_cents": cents})
        set_invoice_threshold(current_user, cae, body.invoice_threshold_cents)
    flash(_("The rule for invoice records is saved."), "success")
    return redirect(url_for("manage.approvals"))


# Statuses: proposals to confirm, who must become associé·e ---------------------------------------


def _status_cae() -> Cae:
    """The manager's CAE; an admin names one with ?cae= (or the form's cae)."""
    cae = _own_cae()
    if cae is not None:
        return cae
    raw = request.values.get("cae", "")
    return approving_cae(current_user, int(raw) if raw.isdigit() and len(raw) < 10 else None)


def _render_statuses(cae: Cae, error: str | None = None, status: int = 200):
    return (
        render_template(
            "manage/statuses.html",
            cae=cae,
            proposals=statuses.proposals(current_user, cae.id),
            due=statuses.associates_due(current_user, cae.id),
            form=StatusDecisionForm(formdata=None),
            error=error,
        ),
        status,
    )


@bp.get("/statuts")
def statuses_page():
    """Status changes to confirm, and who must become associé·e (L7331-3), soonest first."""
    return _render_statuses(_status_cae())


@bp.post("/statuts/<int:profile_id>")
def decide_status(profile_id: int):
    cae = _status_cae()
    form = StatusDecisionForm()
    if not form.validate_on_submit():
        return _render_statuses(cae, _("The form has expired or the date is not valid."), 422)
    if form.decision.data not in ("confirm", "refuse"):
        return _render_statuses(cae, _("Choose to confirm or to refuse."), 422)
    with on_refusal(lambda p: _render_statuses(cae, _message(p), p.status), LIST_REFUSALS):
        profile = statuses.decide_status(
            current_user, profile_id, form.decision.data == "confirm", form.started_on.data
        )
    flash(_("The status of %(name)s is saved.", name=profile.display_name), "success")
    return redirect(url_for("manage.statuses_page", cae=cae.id))


# The search's concept table and the searches that found nothing (admins) ------------------------


def _render_concepts(form: ConceptForm | None = None, status: int = 200):
    require_admin(current_user)
    return (
        render_template(
            "manage/search_concepts.html",
            form=form or ConceptForm(),
            delete_form=DeleteForm(),
            added=search_concepts.added_concepts(current_user),
            table=search_concepts.every_concept(current_user),
            skills=search_concepts.skill_names(),
        ),
        status,
    )


@bp.get("/recherche/concepts")
def search_concepts_page():
    """The concept table: the words of needs tied to competences (admins)."""
    return _render_concepts()


@bp.post("/recherche/concepts")
def add_search_concept():
    require_admin(current_user)
    form = ConceptForm()
    if not form.validate_on_submit():
        return _render_concepts(form, 400)
    with form_errors(form, lambda: _render_concepts(form)):
        row, created = search_concepts.add_concept(current_user, form.phrase.data, form.skill.data)
    if created and row is not None:
        flash(
            _("« %(phrase)s » now finds %(skill)s.", phrase=form.phrase.data, skill=row.skill),
            "success",
        )
    else:
        flash(_("This phrase was already tied to this competence."), "info")
    return redirect(url_for("manage.search_concepts_page"))


@bp.post("/recherche/concepts/<int:concept_id>/supprimer")
def delete_search_concept(concept_id: int):
    require_admin(current_user)
    if not DeleteForm().validate_on_submit():
        return _render_concepts(status=400)
    search_concepts.delete_concept(current_user, concept_id)
    flash(_("The concept was removed."), "success")
    return redirect(url_for("manage.search_concepts_page"))


def _render_misses(form: MissLinkForm | None = None, status: int = 200):
    require_admin(current_user)
    return (
        render_template(
            "manage/search_misses.html",
            rows=search_misses.top_misses(current_user, days=MISSES_DAYS),
            days=MISSES_DAYS,
            form=form,
            skills=search_concepts.skill_names(),
        ),
        status,
    )


MISSES_DAYS = 30


@bp.get("/recherche/sans-resultat")
def search_misses_page():
    """The most frequent searches of the month that found nothing (admins)."""
    return _render_misses()


@bp.post("/recherche/sans-resultat")
def link_search_miss():
    """« Link to a competence »: the miss becomes a concept, and leaves the list."""
    require_admin(current_user)
    form = MissLinkForm()
    if not form.validate_on_submit():
        return _render_misses(form, 400)
    with form_errors(form, lambda: _render_misses(form)):
        row, _created = search_concepts.add_concept(
            current_user, form.phrase.data or "", form.skill.data or ""
        )
    search_misses.forget(current_user, form.phrase.data or "")
    skill = row.skill if row is not None else form.skill.data
    flash(_("« %(phrase)s » now finds %(skill)s.", phrase=form.phrase.data, skill=skill), "success")
    return redirect(url_for("manage.search_misses_page"))
