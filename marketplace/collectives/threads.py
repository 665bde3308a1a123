"""A collective that talks: threads (a title and a first post), replies, mentions, follow/mute.

Rules kept here, for every caller (pages, API, demo):
- whoever may see the collective reads its threads (its audience decides; hidden: 404);
- only its members write (a verified account; others who see it: 403);
- a new thread tells every member; a reply tells the thread's followers: its author and those
  who replied (unless they muted it) and those who chose to follow it;
- ``@Prénom Nom`` of a member tells that member, even when they muted the thread (a mention
  is meant for them); nobody is told twice of one post, nor of their own.
Notifications (and e-mails, per each person's settings, through the outbox) go through
collectives/notify.py.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.actors import Viewer
from marketplace.collectives.models import Collective, Post, Thread, ThreadFollow
from marketplace.collectives.notify import notify, thread_path
from marketplace.collectives.queries import person_shown
from marketplace.collectives.rules import _require_verified, member_accounts, membership_of, row_of
from marketplace.collectives.schemas import PostInput, ThreadInput
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.events import account_personal_data_deleting
from marketplace.extensions import db
from marketplace.text import fold
from marketplace.timeutil import utcnow

#: How many threads the collective's page shows.
LATEST = 5


def require_member(collective: Collective, actor: Viewer) -> None:
    """Only verified members of the collective write in it (403 for the others who see it)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to take part."))
    _require_verified(actor)
    if membership_of(collective, actor) is None:
        raise PermissionDenied(_("Only the members of the collective write in its threads."))


def get_thread(collective: Collective, thread_id: int) -> Thread:
    return row_of(collective, Thread, thread_id, _("This thread does not exist."))


def mentioned(members: list[User], body: str) -> list[User]:
    """The members named ``@Prénom Nom`` in the text (case and accents ignored)."""
    folded = fold(body)
    if "@" not in folded:
        return []
    found = []
    for user in members:
        name = fold(user.display_name)
        if name and re.search(r"@" + re.escape(name) + r"(?!\w)", folded):
            found.append(user)
    return found


def _name_for(author: User) -> Any:
    """The author's name as each recipient may see it (the profile rule)."""
    audience = author.profile.audience if author.profile is not None else None
    cae = author.cae.name if author.cae is not None else ""

    def name(recipient: User) -> Any:
        if person_shown(recipient)(author, audience):
            return author.display_name
        return _l("A member from %(cae)s", cae=cae) if cae else _l("A member")

    return name


def _follow(user_id: int | None, thread: Thread, mode: str, replace: bool) -> None:
    """Set the person's mode for the thread (one row per person and thread); ``replace``
    False keeps a choice already made (a reply does not undo a mute)."""
    stmt = select(ThreadFollow).where(
        ThreadFollow.thread_id == thread.id, ThreadFollow.user_id == user_id
    )
    row = db.session.scalar(stmt)
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(ThreadFollow(thread_id=thread.id, user_id=user_id, mode=mode))
            return
        except IntegrityError:  # a concurrent request of the same person inserted first
            row = db.session.scalar(stmt.execution_options(populate_existing=True))
            if row is None:  # pragma: no cover
                raise
    if replace:
        row.mode = mode


def _tell(
    collective: Collective,
    thread: Thread,
    post: Post,
    author: User,
    kind: str,
    recipients: list[User],
    members: list[User],
) -> None:
    """Mentions first (even to those who muted), then the others of ``recipients``."""
    name = _name_for(author)
    url = thread_path(collective.id, thread.id, f"post-{post.id}")
    told = {author.id}
    values = {"collective": collective.name, "title": thread.title}
    for user in mentioned(members, post.body):
        if user.id not in told:
            told.add(user.id)
            notify(user, "collective.mention", url, person=name(user), **values)
    for user in recipients:
        if user.id not in told:
            told.add(user.id)
            notify(user, kind, url, person=name(user), **values)


def open_thread(
    actor: Viewer, collective: Collective, data: ThreadInput | dict[str, Any]
) -> Thread:
    """A member opens a thread with its first post; every member is told."""
    require_member(collective, actor)
    given = data if isinstance(data, ThreadInput) else ThreadInput.load(data)
    now = utcnow()
    thread = Thread(
        collective_id=collective.id,
        title=given.title,
        created_by_id=actor.id,
        created_at=now,
        last_post_at=now,
        post_count=1,
    )
    db.session.add(thread)
    db.session.flush()
    post = Post(thread_id=thread.id, author_id=actor.id, body=given.body, created_at=now)
    db.session.add(post)
    _follow(actor.id, thread, "follow", replace=True)
    db.session.flush()
    author = db.session.get_one(User, actor.id)
    members = member_accounts(collective.id)
    _tell(collective, thread, post, author, "collective.thread", members, members)
    db.session.flush()
    return thread


def reply(actor: Viewer, thread: Thread, data: PostInput | dict[str, Any]) -> Post:
    """A member replies; the followers of the thread (and the people mentioned) are told."""
    collective = thread.collective
    require_member(collective, actor)
    given = data if isinstance(data, PostInput) else PostInput.load(data)
    now = utcnow()
    post = Post(thread_id=thread.id, author_id=actor.id, body=given.body, created_at=now)
    db.session.add(post)
    # One UPDATE: concurrent replies each count once.
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_post_at=now)
    )
    _follow(actor.id, thread, "follow", replace=False)
    db.session.flush()
    db.session.refresh(thread, ["post_count", "last_post_at"])
    author = db.session.get_one(User, actor.id)
    members = member_accounts(collective.id)
    followers = set(
        db.session.scalars(
            select(ThreadFollow.user_id).where(
                ThreadFollow.thread_id == thread.id, ThreadFollow.mode == "follow"
            )
        )
    )
    recipients = [user for user in members if user.id in followers]
    _tell(collective, thread, post, author, "collective.reply", recipients, members)
    db.session.flush()
    return post


def set_follow(actor: Viewer, thread: Thread, mode: Any) -> str | None:
    """A member follows (``follow``), mutes (``mute``) or goes back to the default (``none``)."""
    if mode not in ("follow", "mute", "none"):
        raise ValidationError(
            _("Some fields need your attention."),
            {"mode": [_("Choose one of: %(values)s.", values="follow, mute, none")]},
        )
    require_member(thread.collective, actor)
    if mode == "none":
        db.session.execute(
            delete(ThreadFollow).where(
                ThreadFollow.thread_id == thread.id, ThreadFollow.user_id == actor.id
            )
        )
        return None
    _follow(actor.id, thread, mode, replace=True)
    db.session.flush()
    return mode


@account_personal_data_deleting.connect
def forget(user: User, **_extra: Any) -> None:
    """The person deletes their account: their follow and mute choices go; their posts stay in
    the discussions, signed by the anonymised account (shown as a member of their CAE)."""
    db.session.execute(delete(ThreadFollow).where(ThreadFollow.user_id == user.id))


# Reading -------------------------------------------------------------------------------------


def threads_stmt(collective: Collective) -> Select:
    """The collective's threads, the latest active first (the caller checked the collective)."""
    return (
        select(Thread)
        .where(Thread.collective_id == collective.id)
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
    )


def latest_threads(collective: Collective, limit: int = LATEST) -> list[Thread]:
    return list(db.session.scalars(threads_stmt(collective).limit(limit)).unique())


def posts_stmt(thread: Thread) -> Select:
    """The posts of a thread, oldest first."""
    return select(Post).where(Post.thread_id == thread.id).order_by(Post.id)


def first_posts(thread_ids: list[int]) -> dict[int, str]:
    """thread id → the text of its first post (one query)."""
    if not thread_ids:
        return {}
    first = (
        select(func.min(Post.id))
        .where(Post.thread_id.in_(thread_ids))
        .group_by(Post.thread_id)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Post.thread_id, Post.body).where(Post.id.in_(first)))
    return {thread_id: body for thread_id, body in rows}


def follow_modes(user: Any, thread_ids: list[int]) -> dict[int, str]:
    """thread id → the person's choice (follow or mute), for these threads (one query)."""
    if not thread_ids or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(
        select(ThreadFollow.thread_id, ThreadFollow.mode).where(
            ThreadFollow.user_id == user.id, ThreadFollow.thread_id.in_(thread_ids)
        )
    )
    return {thread_id: mode for thread_id, mode in rows}


def explicit_modes(user: Any, thread: Thread) -> str | None:
    return follow_modes(user, [thread.id]).get(thread.id)


__all__ = [
    "LATEST",
    "first_posts",
    "follow_modes",
    "get_thread",
    "latest_threads",
    "mentioned",
    "open_thread",
    "posts_stmt",
    "reply",
    "require_member",
    "set_follow",
    "threads_stmt",
]
