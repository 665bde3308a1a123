"""Collectives in HTML: the list, a collective's page, its forms, proposals and votes."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.models import User
from marketplace.accounts.operations import find_user_by_email
from marketplace.blueprints.confirm import confirm_first
from marketplace.blueprints.outcomes import (
    ACTION_REFUSALS,
    ANY_REFUSAL,
    field_messages,
    flash_errors,
    form_errors,
)
from marketplace.blueprints.paging import filtered_page, page_of
from marketplace.caes.operations import cae_choices
from marketplace.collectives import decisions as dec
from marketplace.collectives import operations as ops
from marketplace.collectives import queries
from marketplace.collectives import threads as th
from marketplace.collectives.forms import (
    AUDIENCE_LABELS,
    ActionForm,
    AnswerInvitationForm,
    CollectiveFilterForm,
    CollectiveForm,
    CommentForm,
    DecideRequestForm,
    DecisionForm,
    FollowForm,
    InviteForm,
    JoinForm,
    PostForm,
    ThreadForm,
    VoteForm,
)
from marketplace.collectives.models import (
    Collective,
    Decision,
    JoinPolicy,
    RequestState,
    Thread,
    VoteChoice,
)
from marketplace.collectives.schemas import (
    CollectiveInput,
    CommentInput,
    DecisionInput,
    PostInput,
    ThreadInput,
    VoteInput,
)
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.ids import parse_id
from marketplace.profiles.models import Profile
from marketplace.visibility import can_view_profile

bp = Blueprint("collectives", __name__, url_prefix="/collectifs")

PER_PAGE = 20


def _visible(collective_id: int) -> Collective:
    return ops.get_collective(current_user, collective_id)  # NotFound: the 404 page


@bp.app_template_global("coordinated_collectives")
def coordinated_collectives() -> list[Collective]:
    """The collectives the reader coordinates (to invite people from search results)."""
    return queries.coordinated_by(current_user)


def _labels() -> dict:
    return {
        "audience_labels": AUDIENCE_LABELS,
        "join_policy_labels": JoinPolicy.labels(),
        "choice_labels": VoteChoice.labels(),
        "request_states": RequestState.labels(),
    }


@bp.get("")
def index():
    form = CollectiveFilterForm(
        queries.sectors_in_use(current_user), cae_choices(), formdata=request.args
    )
    items, pager = filtered_page(
        form, queries.list_collectives, queries.CollectiveFilters, PER_PAGE
    )
    ids = [c.id for c in items]
    members = queries.members_of(current_user, ids)
    return render_template(
        "collectives/index.html",
        form=form,
        collectives=items,
        members=members,
        competences=queries.competences_of(current_user, ids),
        mine=queries.my_memberships(current_user),
        pager=pager,
        args=form.active_args(),
        **_labels(),
    )


def _form_page(form: CollectiveForm, collective: Collective | None):
    return render_template("collectives/form.html", form=form, collective=collective, **_labels())


@bp.route("/nouveau", methods=["GET", "POST"])
@login_required
def create():
    form = CollectiveForm()
    if request.method == "GET":
        form.audience.data, form.join_policy.data = "network", "request"
        return _form_page(form, None)
    with (
        form_errors(form, lambda: _form_page(form, None)),
        flash_errors(url_for("collectives.index"), catch=(PermissionDenied,)),
    ):
        collective = ops.create_collective(
            current_user, CollectiveInput.load(form.collective_data())
        )
    flash(_("The collective is created. You are its coordinator."), "success")
    return redirect(url_for("collectives.show", collective_id=collective.id))


@bp.route("/<int:collective_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(collective_id: int):
    collective = _visible(collective_id)
    if not ops.is_coordinator(collective, current_user):
        abort(403)
    if request.method == "GET":
        form = CollectiveForm(obj=collective, formdata=None)
        form.region.data = collective.region or ""
        return _form_page(form, collective)
    form = CollectiveForm()
    with form_errors(form, lambda: _form_page(form, collective)):
        changes = CollectiveInput.load(form.collective_data(), partial=True)
        ops.update_collective(current_user, collective, changes)
    flash(_("The collective is saved."), "success")
    return redirect(url_for("collectives.show", collective_id=collective.id))


def _show_page(collective: Collective, status: int = 200, **forms):
    members = queries.members_of(current_user, [collective.id])[collective.id]
    me = (
        next((m for m in members if m.user_id == current_user.id), None)
        if (current_user.is_authenticated)
        else None
    )
    coordinator = me is not None and me.role == "coordinator"
    decisions = dec.decisions_of(collective)
    for decision in decisions:
        dec.ensure_closed(decision)
    threads = th.latest_threads(collective)
    context = {
        "threads": threads,
        "thread_authors": queries.people_of(current_user, [t.created_by_id for t in threads]),
        "collective": collective,
        "members": members,
        "me": me,
        "is_coordinator": coordinator,
        "caes": queries.caes_of(members),
        "competences": queries.competences_of(current_user, [collective.id])[collective.id],
        "activity": queries.activity_of(current_user, collective),
        "tenders": queries.tenders_of(current_user, collective.id),
        "decisions": decisions,
        "is_open": dec.is_open,
        "requests": ops.pending_requests(collective) if coordinator else [],
        "history": ops.decided_requests(collective) if coordinator else [],
        "invitations": ops.pending_invitations(collective) if coordinator else [],
        "my_request": ops.pending_request_of(collective, current_user)
        if current_user.is_authenticated and me is None
        else None,
        "my_invitation": ops.pending_invitation_of(collective, current_user)
        if current_user.is_authenticated and me is None
        else None,
        "join_form": forms.get("join_form") or JoinForm(formdata=None),
        "invite_form": forms.get("invite_form") or InviteForm(formdata=None),
        "decision_form": forms.get("decision_form") or DecisionForm(formdata=None),
        "decide_form": DecideRequestForm(formdata=None),
        "answer_form": AnswerInvitationForm(formdata=None),
        "action_form": ActionForm(formdata=None),
        **_labels(),
    }
    return render_template("collectives/show.html", **context), status


@bp.get("/<int:collective_id>")
def show(collective_id: int):
    return _show_page(_visible(collective_id))


def _back(collective: Collective, anchor: str = ""):
    url = url_for("collectives.show", collective_id=collective.id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


@bp.post("/<int:collective_id>/rejoindre")
@login_required
def join(collective_id: int):
    collective = _visible(collective_id)
    form = JoinForm()
    with (
        form_errors(form, lambda: _show_page(collective, join_form=form)),
        flash_errors(lambda: _back(collective), catch=(Conflict, PermissionDenied)),
    ):
        outcome = ops.join(current_user, collective, form.message.data)
    if outcome["state"] == "member":
        flash(_("Welcome to the collective!"), "success")
    else:
        flash(_("Your request is sent to the coordinators."), "success")
    return _back(collective)


@bp.post("/<int:collective_id>/demandes/<int:request_id>")
@login_required
def decide(collective_id: int, request_id: int):
    collective = _visible(collective_id)
    form = DecideRequestForm()
    if not (form.approve.data or form.refuse.data):
        abort(400)
    with flash_errors(lambda: _back(collective, "demandes")):
        join_request = ops.get_request(collective, request_id)
        ops.decide_request(current_user, join_request, bool(form.approve.data), form.answer.data)
    flash(_("Your answer is recorded."), "success")
    return _back(collective, "demandes")


@bp.post("/<int:collective_id>/demande/retirer")
@login_required
def withdraw(collective_id: int):
    collective = _visible(collective_id)
    pending = ops.pending_request_of(collective, current_user)
    if pending is None:
        abort(404)
    ActionForm()
    ops.cancel_request(current_user, pending)
    flash(_("Your request is withdrawn."), "success")
    return _back(collective)


@bp.post("/<int:collective_id>/invitations")
@login_required
def invite(collective_id: int):
    collective = _visible(collective_id)
    form = InviteForm()
    from_profile = request.form.get("profile_id")
    profile_id = parse_id(from_profile)
    if from_profile is not None:  # the button on a profile page
        profile = db.session.get(Profile, profile_id) if profile_id else None
        invitee = profile.user if profile is not None else None
    else:
        invitee = find_user_by_email(form.invitee.data or "")
    invitee_profile = invitee.profile if invitee is not None else None
    if invitee_profile is None or not can_view_profile(current_user, invitee_profile):
        invitee = None  # a person one cannot see is no different from an unknown one
    if from_profile is not None:
        back = lambda: _back_to_profile(profile_id, collective)  # noqa: E731
        refused = flash_errors(back, catch=(ValidationError, Conflict), message=field_messages)
    else:
        back = lambda: _back(collective, "inviter")  # noqa: E731
        refused = flash_errors(back, catch=(Conflict,))
    with form_errors(form, lambda: _show_page(collective, invite_form=form)), refused:
        if invitee is None and ops.is_coordinator(collective, current_user):
            raise ValidationError(
                _("Some fields need your attention."),
                {"invitee": [_("Nobody with this e-mail can be invited to this collective.")]},
            )
        ops.invite(current_user, collective, invitee, form.message.data or "")
    flash(_("The invitation is sent."), "success")
    if from_profile is not None:
        return _back_to_profile(profile_id, collective)
    return _back(collective, "inviter")


def _back_to_profile(profile_id: int | None, collective: Collective):
    if profile_id is None:
        return _back(collective, "inviter")
    return redirect(url_for("profiles.show", profile_id=profile_id))


@bp.post("/inviter")
@login_required
def invite_from_profile():
    """The button of a profile page: the collective comes with the form."""
    collective_id = parse_id(request.form.get("collective_id"))
    if collective_id is None or parse_id(request.form.get("profile_id")) is None:
        abort(400)
    return invite(collective_id)


@bp.post("/<int:collective_id>/invitations/<int:invitation_id>")
@login_required
def answer_invitation(collective_id: int, invitation_id: int):
    collective = _visible(collective_id)
    form = AnswerInvitationForm()
    with flash_errors(lambda: _back(collective), catch=(*ACTION_REFUSALS, PermissionDenied)):
        invitation = ops.get_invitation(collective, invitation_id)
        ops.respond_invitation(current_user, invitation, accept=bool(form.accept.data))
    if form.accept.data:
        flash(_("Welcome to the collective!"), "success")
    else:
        flash(_("You declined the invitation."), "info")
    return _back(collective)


def _action(
    collective_id: int,
    anchor: str,
    act: Callable[[Collective], object],
    done: str,
    category: str = "success",
):
    """A button of a collective's page: the action, then back to its section with a flash (the
    refusal's message, or `done`)."""
    collective = _visible(collective_id)
    ActionForm()
    with flash_errors(lambda: _back(collective, anchor)):
        act(collective)
    flash(done, category)
    return _back(collective, anchor)


@bp.post("/<int:collective_id>/invitations/<int:invitation_id>/annuler")
@login_required
def cancel_invitation(collective_id: int, invitation_id: int):
    return _action(
        collective_id,
        "inviter",
        lambda c: ops.cancel_invitation(current_user, ops.get_invitation(c, invitation_id)),
        _("The invitation is cancelled."),
        "info",
    )


@bp.post("/<int:collective_id>/quitter")
@login_required
def leave(collective_id: int):
    collective = _visible(collective_id)
    ActionForm()
    if ops.membership_of(collective, current_user) is not None:  # a member confirms leaving
        confirm_first(
            _("Leave the collective « %(name)s »?", name=collective.name),
            _("Leave the collective"),
            url_for("collectives.show", collective_id=collective.id),
        )
    with flash_errors(lambda: _back(collective, "membres"), catch=ANY_REFUSAL):
        ops.leave(current_user, collective)
    flash(_("You left the collective."), "info")
    return _back(collective)


def _member_user(user_id: int):

    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/<int:collective_id>/membres/<int:user_id>/retirer")
@login_required
def remove(collective_id: int, user_id: int):
    return _action(
        collective_id,
        "membres",
        lambda c: ops.remove_member(current_user, c, _member_user(user_id)),
        _("The member is removed from the collective."),
        "info",
    )


@bp.post("/<int:collective_id>/membres/<int:user_id>/role")
@login_required
def role(collective_id: int, user_id: int):
    new_role = request.form.get("role", "")
    return _action(
        collective_id,
        "membres",
        lambda c: ops.set_role(current_user, c, _member_user(user_id), new_role),
        _("The role is changed."),
    )


@bp.post("/<int:collective_id>/decisions")
@login_required
def propose(collective_id: int):
    collective = _visible(collective_id)
    form = DecisionForm()
    form.validate()
    data = form.decision_data()
    if form.closes_at.errors or (form.closes_at.raw_data and form.closes_at.data is None):
        data["closes_at"] = "invalid"  # the operation explains what it expects
    if form.quorum_percent.errors:
        data["quorum_percent"] = 0
    for name in ("title", "description", "closes_at", "quorum_percent"):
        form[name].errors = []
    with form_errors(form, lambda: _show_page(collective, decision_form=form)):
        ops.require_coordinator(collective, current_user)  # before the fields, as always
        decision = dec.open_decision(current_user, collective, DecisionInput.load(data))
    flash(_("The proposal is open to the vote."), "success")
    return _back_to_decision(decision)


def _decision_page(
    collective: Collective,
    decision,
    form: VoteForm | None = None,
    status=200,
    comment_form: CommentForm | None = None,
):
    dec.ensure_closed(decision)
    member = ops.membership_of(collective, current_user)
    mine = dec.my_vote(decision, current_user)
    if form is None:
        form = VoteForm(formdata=None)
        form.choice.data = mine
    comments = dec.comments_of(decision)
    votes = dec.votes_of(decision)
    people = queries.people_of(
        current_user, [c.author_id for c in comments] + [v.user_id for v in votes]
    )
    return render_template(
        "collectives/decision.html",
        collective=collective,
        decision=decision,
        results=dec.results(decision),
        open=dec.is_open(decision),
        is_member=member is not None,
        my_vote=mine,
        form=form,
        outcome_label=dec.outcome_label,
        comments=comments,
        votes=[v for v in votes if v.user_id in people],
        people=people,
        comment_form=comment_form or CommentForm(formdata=None),
        **_labels(),
    ), status


def _decision_of(collective_id: int, decision_id: int) -> tuple[Collective, Decision]:
    """A visible collective and one of its proposals (NotFound: the 404 page)."""
    collective = _visible(collective_id)
    return collective, dec.get_decision(collective, decision_id)


@bp.get("/<int:collective_id>/decisions/<int:decision_id>")
def decision(collective_id: int, decision_id: int):
    return _decision_page(*_decision_of(collective_id, decision_id))


@bp.post("/<int:collective_id>/decisions/<int:decision_id>/vote")
@login_required
def vote(collective_id: int, decision_id: int):
    collective, found = _decision_of(collective_id, decision_id)
    form = VoteForm()
    page = lambda: _decision_page(collective, found, form)  # noqa: E731
    with form_errors(form, page, status=None, catch=ACTION_REFUSALS):  # 422 or 409
        dec.vote(current_user, found, VoteInput.load({"choice": form.choice.data}).choice)
    flash(_("Your vote is recorded. You may change it until the vote closes."), "success")
    return _back_to_decision(found)


@bp.post("/<int:collective_id>/decisions/<int:decision_id>/commentaires")
@login_required
def comment(collective_id: int, decision_id: int):
    collective, found = _decision_of(collective_id, decision_id)
    form = CommentForm()
    page = lambda: _decision_page(collective, found, comment_form=form)  # noqa: E731
    with form_errors(form, page, status=None, catch=ACTION_REFUSALS):
        th.require_member(collective, current_user)  # before the fields
        dec.comment(current_user, found, CommentInput.load({"body": form.body.data or ""}))
    flash(_("Your comment is published."), "success")
    return _back_to_decision(found, "commentaires")


def _back_to_decision(decision, anchor: str = ""):
    url = url_for(
        "collectives.decision", collective_id=decision.collective_id, decision_id=decision.id
    )
    return redirect(url + (f"#{anchor}" if anchor else ""))


# Threads -------------------------------------------------------------------------------------

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 50


def _threads_page(collective: Collective, form: ThreadForm | None = None):
    items, pager = page_of(th.threads_stmt(collective), THREADS_PER_PAGE, past_the_end_404=True)
    ids = [t.id for t in items]
    return render_template(
        "collectives/threads.html",
        collective=collective,
        threads=items,
        authors=queries.people_of(current_user, [t.created_by_id for t in items]),
        modes=th.follow_modes(current_user, ids),
        is_member=ops.membership_of(collective, current_user) is not None,
        form=form or ThreadForm(formdata=None),
        pager=pager,
    )


@bp.get("/<int:collective_id>/discussions")
def threads(collective_id: int):
    return _threads_page(_visible(collective_id))


@bp.post("/<int:collective_id>/discussions")
@login_required
def new_thread(collective_id: int):
    collective = _visible(collective_id)
    form = ThreadForm()
    with form_errors(form, lambda: _threads_page(collective, form)):
        th.require_member(collective, current_user)
        data = {"title": form.title.data or "", "body": form.body.data or ""}
        thread = th.open_thread(current_user, collective, ThreadInput.load(data))
    flash(_("The thread is open."), "success")
    return redirect(_thread_url(thread))


def _thread_page(collective: Collective, thread, form: PostForm | None = None):
    posts, pager = page_of(th.posts_stmt(thread), POSTS_PER_PAGE, past_the_end_404=True)
    return render_template(
        "collectives/thread.html",
        collective=collective,
        thread=thread,
        posts=posts,
        authors=queries.people_of(current_user, [p.author_id for p in posts]),
        mode=th.follow_modes(current_user, [thread.id]).get(thread.id),
        is_member=ops.membership_of(collective, current_user) is not None,
        form=form or PostForm(formdata=None),
        follow_form=FollowForm(formdata=None),
        pager=pager,
    )


def _thread_of(collective_id: int, thread_id: int) -> tuple[Collective, Thread]:
    """A visible collective and one of its threads (NotFound: the 404 page)."""
    collective = _visible(collective_id)
    return collective, th.get_thread(collective, thread_id)


def _thread_url(thread: Thread) -> str:
    return url_for("collectives.thread", collective_id=thread.collective_id, thread_id=thread.id)


@bp.get("/<int:collective_id>/discussions/<int:thread_id>")
def thread(collective_id: int, thread_id: int):
    return _thread_page(*_thread_of(collective_id, thread_id))


@bp.post("/<int:collective_id>/discussions/<int:thread_id>/reponses")
@login_required
def reply(collective_id: int, thread_id: int):
    collective, found = _thread_of(collective_id, thread_id)
    form = PostForm()
    with form_errors(form, lambda: _thread_page(collective, found, form)):
        th.require_member(collective, current_user)
        post = th.reply(current_user, found, PostInput.load({"body": form.body.data or ""}))
    flash(_("Your reply is published."), "success")
    return redirect(f"{_thread_url(found)}#post-{post.id}")


@bp.post("/<int:collective_id>/discussions/<int:thread_id>/suivi")
@login_required
def follow(collective_id: int, thread_id: int):
    found = _thread_of(collective_id, thread_id)[1]
    form = FollowForm()
    url = _thread_url(found)
    with flash_errors(url):
        mode = th.set_follow(current_user, found, form.mode.data or "")
    messages = {
        "follow": _("You follow this thread: each reply is notified to you."),
        "mute": _("This thread is muted: only mentions of you are notified."),
        None: _("You are told of the replies if you took part in the thread."),
    }
    flash(messages[mode], "success")
    return redirect(url)
