"""Collectives and their decisions in the API (see the contract, section Collectives).

Every operation is declared with the shapes of marketplace/collectives/schemas.py: the bodies
and the filters are checked by them before a view runs, and the answers are built by them.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user

from marketplace.blueprints.api.auth import require_user
from marketplace.blueprints.api.blueprint import bp
from marketplace.blueprints.api.pagination import page_args, page_body
from marketplace.blueprints.api.spec import (
    BEARER,
    UPDATE_ERRORS,
    operations_for,
)
from marketplace.collectives import decisions as dec
from marketplace.collectives import operations as ops
from marketplace.collectives import queries
from marketplace.collectives import schemas as out
from marketplace.collectives import threads as th
from marketplace.collectives.models import (
    Collective,
    CollectiveMember,
    Decision,
    Invitation,
    JoinRequest,
    Post,
    Thread,
)
from marketplace.collectives.schemas import (
    CollectiveInput,
    CollectiveQuery,
    CommentInput,
    DecisionInput,
    FollowInput,
    InvitationAnswer,
    InvitationInput,
    JoinDecisionInput,
    JoinInput,
    PostInput,
    ThreadInput,
    VoteInput,
)
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db
from marketplace.links import external_url
from marketplace.pagination import paginate
from marketplace.places.search import with_distance
from marketplace.profiles.models import Profile
from marketplace.visibility import can_view_profile

WRITE_LIMIT = "120 per minute"
TAG = "collectives"

operation = operations_for(TAG, write_limit=WRITE_LIMIT)


def cae_ref(cae: Any) -> dict[str, Any] | None:
    return out.CaeRef.out(id=cae.id, name=cae.name) if cae is not None else None


def member_json(member: CollectiveMember) -> dict[str, Any]:
    """A member as queries.members_of() left it: someone the reader may not see has
    ``hidden: true`` and null ``profile_id`` and ``display_name`` (their CAE and role stay)."""
    user = member.user
    hidden = getattr(member, "hidden", True)
    return out.CollectiveMember.out(
        profile_id=None if hidden else getattr(member, "profile_id", None),
        display_name=None if hidden else user.display_name,
        hidden=hidden,
        cae=cae_ref(user.cae),
        role=member.role,
        joined_at=member.joined_at,
    )


def collective_json(
    collective: Collective,
    members: list[CollectiveMember],
    competences: list[tuple[str, int]],
) -> dict[str, Any]:
    return out.Collective.of(
        collective,
        description=collective.description or "",
        sector=collective.sector or "",
        open_ballot=bool(collective.open_ballot),
        members=[member_json(m) for m in members],
        skills=[name for name, _n in competences],
        skill_counts=[{"name": name, "members": n} for name, n in competences],
        caes=[cae_ref(c) for c in queries.caes_of(members)],
        owner_cae=cae_ref(collective.cae),
        member_count=len(members),
        url=external_url("collectives.show", collective_id=collective.id),
    )


def _full(collective: Collective) -> dict[str, Any]:
    members = queries.members_of(current_user, [collective.id])[collective.id]
    competences = queries.competences_of(current_user, [collective.id])[collective.id]
    return collective_json(collective, members, competences)


def _caller_and(collective_id: int) -> tuple[Any, Collective]:
    """The signed-in caller and the collective they ask about (404 when they may not see it)."""
    user = require_user()
    return user, ops.get_collective(user, collective_id)


def person_json(person: queries.PersonShown | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return out.Person.of(
        person,
        cae=cae_ref(person.cae),
    )


class Discussion:
    """The comments, votes and the people behind them of several decisions (three queries)."""

    def __init__(self, decisions: list[Decision]) -> None:
        ids = [d.id for d in decisions]
        self.comments = dec.comments_by_decision(ids)
        self.votes = dec.votes_by_decision(ids)
        self.people = queries.people_of(
            current_user,
            [c.author_id for rows in self.comments.values() for c in rows]
            + [v.user_id for rows in self.votes.values() for v in rows],
        )


def decision_json(decision: Decision, discussion: Discussion | None = None) -> dict[str, Any]:
    res = dec.results(decision)
    closed = not dec.is_open(decision)
    discussion = discussion or Discussion([decision])
    comments = discussion.comments[decision.id]
    votes = discussion.votes[decision.id]
    people = discussion.people
    open_ballot = bool(decision.collective.open_ballot)
    return out.Decision.of(
        decision,
        description=decision.description or "",
        status="closed" if closed else "open",
        tally=res.tally,
        voters=res.voters,
        members=res.members,
        turnout_percent=res.turnout_percent,
        quorum_reached=res.quorum_reached,
        outcome=res.outcome if closed else None,
        my_vote=dec.my_vote(decision, current_user),
        open_ballot=open_ballot,
        voted=[
            {
                "person": person_json(people.get(v.user_id)),
                "choice": v.choice if open_ballot else None,
            }
            for v in votes
            if v.user_id in people
        ],
        comments=[comment_json(c, people) for c in comments],
        url=external_url(
            "collectives.decision", collective_id=decision.collective_id, decision_id=decision.id
        ),
    )


def comment_json(comment: Any, people: dict[int, queries.PersonShown]) -> dict[str, Any]:
    author = people.get(comment.author_id) if comment.author_id is not None else None
    return out.DecisionComment.of(
        comment,
        author=person_json(author),
    )


def request_json(join_request: JoinRequest) -> dict[str, Any]:
    person = join_request.user
    return out.JoinRequest.of(
        join_request,
        person={
            "profile_id": person.profile.id if person.profile else None,
            "display_name": person.display_name,
            "cae": cae_ref(person.cae),
        },
    )


def invitation_json(invitation: Invitation) -> dict[str, Any]:
    return out.Invitation.of(
        invitation,
        invitee_profile_id=invitation.user.profile.id if invitation.user.profile else None,
    )


# Collectives ---------------------------------------------------------------------------------


@bp.get("/collectives")
@operation.paged(
    "listCollectives", query=CollectiveQuery, ok=(out.CollectiveList, "A page of collectives.")
)
def collectives(query: CollectiveQuery) -> Any:
    """Visible collectives, most recently active first."""
    filters = queries.CollectiveFilters(**query.model_dump())
    page, per_page = page_args()
    items, total = queries.list_collectives(current_user, filters, page, per_page)
    ids = [c.id for c in items]
    members = queries.members_of(current_user, ids)
    competences = queries.competences_of(current_user, ids)
    return page_body(
        items,
        total,
        page,
        per_page,
        lambda c: with_distance(
            collective_json(c, members[c.id], competences[c.id]), c, filters.place
        ),
    )


@bp.post("/collectives")
@operation.create(
    "createCollective", body=CollectiveInput, ok=(out.Collective, "The new collective.")
)
def create_collective(body: CollectiveInput) -> Any:
    """Create a collective; the creator becomes coordinator."""
    user = require_user()
    return _full(ops.create_collective(user, body))


@bp.get("/collectives/<int:collective_id>")
@operation.read("getCollective", ok=(out.Collective, "The collective."))
def collective(collective_id: int) -> Any:
    """One collective (404 when absent or not visible to you)."""
    return _full(ops.get_collective(current_user, collective_id))


@bp.patch("/collectives/<int:collective_id>")
@operation.update("updateCollective", body=CollectiveInput, ok=(out.Collective, "The collective."))
def update_collective(collective_id: int, body: CollectiveInput) -> Any:
    """Change a collective (coordinators)."""
    user, found = _caller_and(collective_id)
    ops.update_collective(user, found, body)
    return _full(found)


# Membership ----------------------------------------------------------------------------------


@bp.post("/collectives/<int:collective_id>/join")
@operation.act(
    "joinCollective",
    body=JoinInput,
    body_required=False,
    ok=(out.JoinResult, "Member, or a pending request."),
)
def join(collective_id: int, body: JoinInput) -> Any:
    """Join (open) or ask to join (on request); 409 if already a member or pending."""
    user, found = _caller_and(collective_id)
    outcome = ops.join(user, found, body.message)
    if outcome["state"] == "member":
        return out.JoinResult.out(state="member")
    return out.JoinResult.out(state="pending", request_id=outcome["request"].id)


@bp.get("/collectives/<int:collective_id>/requests")
@operation.read(
    "listJoinRequests",
    security=BEARER,
    ok=(out.JoinRequestList, "The pending requests."),
    errors=(401, 403, 404),
)
def requests_of(collective_id: int) -> Any:
    """Pending requests to join (coordinators)."""
    user, found = _caller_and(collective_id)
    ops.require_coordinator(found, user, _("Only the coordinators decide on requests."))
    items = ops.pending_requests(found)
    return out.JoinRequestList.out(items=[request_json(r) for r in items], total=len(items))


@bp.post("/collectives/<int:collective_id>/requests/<int:request_id>/decision")
@operation.act(
    "decideJoinRequest", body=JoinDecisionInput, ok=(out.JoinRequest, "The decided request.")
)
def decide_request(collective_id: int, request_id: int, body: JoinDecisionInput) -> Any:
    """Approve or refuse a request (coordinators)."""
    user, found = _caller_and(collective_id)
    join_request = ops.get_request(found, request_id)
    ops.decide_request(user, join_request, body.approve, body.answer)
    return request_json(join_request)


@bp.post("/collectives/<int:collective_id>/invitations")
@operation.act(
    "inviteToCollective", body=InvitationInput, ok=(201, out.Invitation, "The invitation.")
)
def invite(collective_id: int, body: InvitationInput) -> Any:
    """Invite a person by profile (coordinators)."""
    user, found = _caller_and(collective_id)
    profile_id = body.invitee_profile_id
    profile = db.session.get(Profile, profile_id) if profile_id is not None else None
    if profile is None or not can_view_profile(user, profile):
        ops.require_coordinator(found, user, _("Only the coordinators invite new members."))
        raise ValidationError(
            _("Some fields need your attention."),
            {"invitee_profile_id": [_("Unknown profile.")]},
        )
    try:
        invitation = ops.invite(user, found, profile.user, body.message)
    except ValidationError as error:
        if "invitee" in error.fields:
            error.fields["invitee_profile_id"] = error.fields.pop("invitee")
        raise
    return invitation_json(invitation)


@bp.post("/collectives/<int:collective_id>/invitations/<int:invitation_id>/response")
@operation.act(
    "answerInvitation",
    body=InvitationAnswer,
    ok=(out.Invitation, "The answered invitation."),
    errors=(400, 401, 404, 409, 422, 429),
)
def answer_invitation(collective_id: int, invitation_id: int, body: InvitationAnswer) -> Any:
    """The invitee accepts or declines."""
    user, found = _caller_and(collective_id)
    invitation = ops.get_invitation(found, invitation_id)
    if invitation.user_id != user.id:
        raise NotFound(_("This invitation does not exist."))
    ops.respond_invitation(user, invitation, body.accept)
    return invitation_json(invitation)


@bp.post("/collectives/<int:collective_id>/leave")
@operation.act("leaveCollective", ok=(out.Left, "Left."), errors=(401, 404, 409, 429))
def leave(collective_id: int) -> Any:
    """Leave; the last coordinator cannot leave while others remain (409)."""
    user, found = _caller_and(collective_id)
    ops.leave(user, found)
    return out.Left()


@bp.delete("/collectives/<int:collective_id>/members/<int:profile_id>")
@operation.act(
    "removeCollectiveMember", ok=(out.Removed, "Removed."), errors=(401, 403, 404, 409, 429)
)
def remove_member(collective_id: int, profile_id: int) -> Any:
    """Remove a member (coordinators)."""
    user, found = _caller_and(collective_id)
    profile = db.session.get(Profile, profile_id)
    if profile is None:
        raise NotFound(_("This person is not a member of the collective."))
    ops.remove_member(user, found, profile.user)
    return out.Removed()


# Decisions -----------------------------------------------------------------------------------


@bp.get("/collectives/<int:collective_id>/decisions")
@operation.read("listDecisions", ok=(out.DecisionList, "The decisions."))
def decisions(collective_id: int) -> Any:
    """The collective's decisions, latest closing first."""
    found = ops.get_collective(current_user, collective_id)
    items = dec.decisions_of(found)
    for item in items:
        dec.ensure_closed(item)
    discussion = Discussion(items)
    return out.DecisionList.out(
        items=[decision_json(d, discussion) for d in items], total=len(items)
    )


@bp.post("/collectives/<int:collective_id>/decisions")
@operation.write(
    "openDecision",
    body=DecisionInput,
    ok=(201, out.Decision, "The open decision."),
    errors=UPDATE_ERRORS,
)
def open_decision(collective_id: int, body: DecisionInput) -> Any:
    """Put a proposal to the vote (coordinators)."""
    user, found = _caller_and(collective_id)
    return decision_json(dec.open_decision(user, found, body))


@bp.get("/collectives/<int:collective_id>/decisions/<int:decision_id>")
@operation.read("getDecision", ok=(out.Decision, "The decision."))
def decision(collective_id: int, decision_id: int) -> Any:
    """A decision with its tally, voters and members."""
    found = dec.get_decision(ops.get_collective(current_user, collective_id), decision_id)
    dec.ensure_closed(found)
    return decision_json(found)


@bp.post("/collectives/<int:collective_id>/decisions/<int:decision_id>/vote")
@operation.act("voteOnDecision", body=VoteInput, ok=(out.Decision, "The decision with your vote."))
def vote(collective_id: int, decision_id: int, body: VoteInput) -> Any:
    """Vote yes, no or abstain (members; voting again replaces one's vote); 409 after closes_at."""
    user, collective = _caller_and(collective_id)
    found = dec.get_decision(collective, decision_id)
    dec.vote(user, found, body.choice)
    return decision_json(found)


@bp.post("/collectives/<int:collective_id>/decisions/<int:decision_id>/comments")
@operation.act(
    "commentOnDecision",
    body=CommentInput,
    ok=(201, out.DecisionComment, "The comment."),
)
def comment_on_decision(collective_id: int, decision_id: int, body: CommentInput) -> Any:
    """Comment on a proposal (members) while its vote is open; 409 after closes_at."""
    user, collective = _caller_and(collective_id)
    found = dec.get_decision(collective, decision_id)
    comment = dec.comment(user, found, body)
    return comment_json(comment, queries.people_of(user, [user.id]))


# Threads -------------------------------------------------------------------------------------


def thread_json(
    thread: Thread,
    people: dict[int, queries.PersonShown],
    bodies: dict[int, str],
    modes: dict[int, str],
) -> dict[str, Any]:
    author = people.get(thread.created_by_id) if thread.created_by_id is not None else None
    return out.Thread.of(
        thread,
        author=person_json(author),
        body=bodies.get(thread.id, ""),
        following=modes.get(thread.id),
        url=external_url(
            "collectives.thread", collective_id=thread.collective_id, thread_id=thread.id
        ),
    )


def _threads_json(threads: list[Thread]) -> Any:
    ids = [t.id for t in threads]
    people = queries.people_of(current_user, [t.created_by_id for t in threads])
    bodies = th.first_posts(ids)
    modes = th.follow_modes(current_user, ids)
    return lambda t: thread_json(t, people, bodies, modes)


def post_json(post: Post, people: dict[int, queries.PersonShown]) -> dict[str, Any]:
    author = people.get(post.author_id) if post.author_id is not None else None
    return out.Post.of(
        post,
        author=person_json(author),
    )


def _thread_of(collective_id: int, thread_id: int) -> Thread:
    return th.get_thread(ops.get_collective(current_user, collective_id), thread_id)


@bp.get("/collectives/<int:collective_id>/threads")
@operation.paged(
    "listThreads",
    ok=(out.ThreadList, "A page of threads."),
    errors=(400, 401, 404),
)
def threads(collective_id: int) -> Any:
    """The collective's threads, latest active first (whoever may see the collective)."""
    found = ops.get_collective(current_user, collective_id)
    page, per_page = page_args()
    items, total = paginate(th.threads_stmt(found), page, per_page)
    return page_body(items, total, page, per_page, _threads_json(items))


@bp.post("/collectives/<int:collective_id>/threads")
@operation.create(
    "openThread",
    body=ThreadInput,
    ok=(out.Thread, "The new thread."),
    errors=UPDATE_ERRORS,
)
def open_thread(collective_id: int, body: ThreadInput) -> Any:
    """Open a thread with its first post (members); every member is told."""
    user, found = _caller_and(collective_id)
    thread = th.open_thread(user, found, body)
    return _threads_json([thread])(thread)


@bp.get("/collectives/<int:collective_id>/threads/<int:thread_id>")
@operation.read("getThread", ok=(out.Thread, "The thread."))
def thread(collective_id: int, thread_id: int) -> Any:
    """One thread (its posts: /posts)."""
    found = _thread_of(collective_id, thread_id)
    return _threads_json([found])(found)


@bp.get("/collectives/<int:collective_id>/threads/<int:thread_id>/posts")
@operation.paged(
    "listPosts",
    ok=(out.PostList, "A page of posts, oldest first."),
    errors=(400, 401, 404),
)
def posts(collective_id: int, thread_id: int) -> Any:
    """The posts of a thread, oldest first (the first one opened it)."""
    found = _thread_of(collective_id, thread_id)
    page, per_page = page_args()
    items, total = paginate(th.posts_stmt(found), page, per_page)
    people = queries.people_of(current_user, [p.author_id for p in items])
    return page_body(items, total, page, per_page, lambda p: post_json(p, people))


@bp.post("/collectives/<int:collective_id>/threads/<int:thread_id>/posts")
@operation.act("replyToThread", body=PostInput, ok=(201, out.Post, "The new post."))
def reply(collective_id: int, thread_id: int, body: PostInput) -> Any:
    """Reply in a thread (members); its followers and the members mentioned are told."""
    user, found = _caller_and(collective_id)
    post = th.reply(user, th.get_thread(found, thread_id), body)
    return post_json(post, queries.people_of(user, [user.id]))


@bp.post("/collectives/<int:collective_id>/threads/<int:thread_id>/follow")
@operation.act("followThread", body=FollowInput, ok=(out.Thread, "The thread."))
def follow_thread(collective_id: int, thread_id: int, body: FollowInput) -> Any:
    """Follow a thread (told of every reply), mute it, or go back to the default (members)."""
    user, found = _caller_and(collective_id)
    thread = th.get_thread(found, thread_id)
    th.set_follow(user, thread, body.mode)
    return _threads_json([thread])(thread)
