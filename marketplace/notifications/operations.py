"""Notifications: ``notify()`` for every domain, the unread count, reading, settings, digests.

Usage from any domain (the text is written in the recipient's language)::

    from marketplace.notifications import register_kind, notify
    register_kind("offer.response", _l("%(person)s answered your offer “%(title)s”."))
    notify(owner_user, "offer.response", url_for("offers.show", offer_id=1),
           person=responder.display_name, title=offer.title)

``notify`` adds the row in the current transaction and, for people who want e-mails right
away, queues one that leaves after the commit (``marketplace.mail``). Nothing is sent when the
transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import CursorResult, delete, func, insert, select, update

from marketplace.accounts.models import User
from marketplace.errors import ValidationError
from marketplace.events import account_personal_data_deleting
from marketplace.extensions import db
from marketplace.links import absolute, external_url
from marketplace.mail import send_mail, send_mails
from marketplace.notifications.models import EmailMode, Notification, NotificationSetting
from marketplace.pagination import paginate
from marketplace.timeutil import utcnow

#: kind → the lazily translated sentence (with %(name)s placeholders for the arguments).
KINDS: dict[str, Any] = {}
_QUIET = {"on": False}


def register_kind(kind: str, message: Any) -> None:
    """Declare a kind of notification and its sentence (an ``_l`` string with placeholders)."""
    if len(kind) > 40:
        raise ValueError("notification kinds have at most 40 characters")
    KINDS[kind] = message


@contextmanager
def quiet() -> Iterator[None]:
    """Within this block notifications are recorded but no e-mail is sent (demo data)."""
    before = _QUIET["on"]
    _QUIET["on"] = True
    try:
        yield
    finally:
        _QUIET["on"] = before


def _locale(user: User) -> str:
    return user.locale or current_app.config["LANGUAGES"][0]


def email_mode(user: User) -> str:
    setting = db.session.get(NotificationSetting, user.id)
    return setting.email if setting else "immediately"


def notify(recipient: User, kind: str, url: str = "", **args: Any) -> Notification | None:
    """Tell recipient that something happened; returns the notification (None if inactive).
    ``urgent=True`` among the arguments: the e-mail leaves at once even for people who chose
    the daily digest (it is not a placeholder of the sentence)."""
    urgent = bool(args.pop("urgent", False))
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if recipient is None or not recipient.is_active:
        return None
    text = _text(recipient, kind, args)
    notification = Notification(user_id=recipient.id, kind=kind, text=text, url=url[:500])
    mode = email_mode(recipient)
    if urgent and mode == "daily":
        mode = "immediately"
    if mode != "daily":  # "never" is marked as done at once: it never waits for a digest
        notification.emailed_at = utcnow()
    db.session.add(notification)
    db.session.flush()
    if mode == "immediately" and not _QUIET["on"]:
        with force_locale(_locale(recipient)):
            subject = _("Essaim: %(text)s", text=_short(text))
            body = _body(recipient, [notification])
        send_mail(recipient.email, subject, body)
    return notification


def notify_many(items: list[tuple[User, dict[str, Any]]], kind: str, url: str = "") -> int:
    """notify() for many recipients of one kind and link, each with its own arguments (the
    alerts' matching; ``urgent`` among them as for notify()): one read of their e-mail
    settings, the rows in one statement, the e-mails queued in one statement. Returns how
    many were told."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    items = [(user, args) for user, args in items if user is not None and user.is_active]
    if not items:
        return 0
    ids = [user.id for user, _args in items]
    modes: dict[int, str] = dict(
        db.session.execute(
            select(NotificationSetting.user_id, NotificationSetting.email).where(
                NotificationSetting.user_id.in_(ids)
            )
        ).all()
    )
    now = utcnow()
    made = []
    for user, given in items:
        args = dict(given)
        mode = modes.get(user.id, "immediately")
        if args.pop("urgent", False) and mode == "daily":  # as notify(): at once
            mode = "immediately"
        row: dict[str, Any] = {
            "user_id": user.id,
            "kind": kind,
            "text": _text(user, kind, args),
            "url": url[:500],
            "created_at": now,
            "read_at": None,
            "emailed_at": None if mode == "daily" else now,
        }
        made.append((user, row, mode))
    # One statement (ORM objects would be one INSERT each on SQLite).
    db.session.execute(insert(Notification), [row for _user, row, _mode in made])
    if not _QUIET["on"]:
        mails = []
        for user, row, mode in made:
            if mode == "immediately":
                with force_locale(_locale(user)):
                    subject = _("Essaim: %(text)s", text=_short(row["text"]))
                    shown = Notification(text=row["text"], url=row["url"])  # not added
                    mails.append((user.email, subject, _body(user, [shown])))
        send_mails(mails)
    return len(made)


def _text(recipient: User, kind: str, args: dict[str, Any]) -> str:
    with force_locale(_locale(recipient)):
        text = str(KINDS[kind]) % {k: str(v) for k, v in args.items()}
    return text[:500]


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _body(user: User, notifications: list[Notification]) -> str:
    lines = [_("Hello %(name)s,", name=user.first_name), ""]
    for n in notifications:
        lines.append(f"- {n.text}")
        if n.url:
            lines.append(f"  {absolute(n.url)}")
    lines += [
        "",
        _("Choose how you receive these messages in your notification settings:"),
        external_url("notifications.settings"),
        "",
    ]
    return "\n".join(lines)


def unread_count(user: Any) -> int:
    """One query: how many notifications this person has not read."""
    if not getattr(user, "is_authenticated", False):
        return 0
    stmt = select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    return db.session.scalar(stmt) or 0


def notifications_of(user: User, page: int, per_page: int) -> tuple[list[Notification], int]:
    stmt = select(Notification).where(Notification.user_id == user.id)
    latest_first = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginate(latest_first, page, per_page)


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) notification of this person as read."""
    stmt = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result = db.session.execute(stmt.values(read_at=utcnow()))
    return cast(CursorResult, result).rowcount or 0


def set_email_mode(user: User, mode: str) -> NotificationSetting:
    if mode not in EmailMode.values():
        raise ValidationError(
            _("Some fields need your attention."),
            {"email": [_("Choose one of: %(values)s.", values=", ".join(EmailMode.values()))]},
        )
    setting = db.session.get(NotificationSetting, user.id)
    if setting is None:
        setting = NotificationSetting(user_id=user.id, email=mode)
        db.session.add(setting)
    else:
        setting.email = mode
    if mode != "daily":  # nothing stays waiting for a digest that will not come
        db.session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.emailed_at.is_(None))
            .values(emailed_at=utcnow())
        )
    db.session.flush()
    return setting


def send_digests() -> int:
    """One e-mail per person on the daily digest with notifications not yet e-mailed."""
    now = utcnow()
    rows = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .join(NotificationSetting, NotificationSetting.user_id == User.id)
        .where(
            NotificationSetting.email == "daily",
            Notification.emailed_at.is_(None),
            User.is_active.is_(True),
        )
        .order_by(User.id, Notification.created_at, Notification.id)
    ).all()
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for notification, user in rows:
        by_user.setdefault(user.id, (user, []))[1].append(notification)
    for user, notifications in by_user.values():
        with force_locale(_locale(user)):
            subject = _("Essaim: your daily digest (%(n)d news)", n=len(notifications))
            body = _body(user, notifications)
        send_mail(user.email, subject, body)
        for notification in notifications:
            notification.emailed_at = now
        setting = db.session.get_one(NotificationSetting, user.id)
        setting.digest_sent_at = now
    db.session.flush()
    return len(by_user)


@account_personal_data_deleting.connect
def forget(user: User, **_extra: Any) -> None:
    """The person deletes their account: their notifications and settings go."""
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(NotificationSetting).where(NotificationSetting.user_id == user.id))
