"""Conversations in HTML: the inbox (/messages), a thread, writing to a person, blocking,
reporting, and the administrators' reports page."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import select

from marketplace.actors import Viewer
from marketplace.blueprints.api.conversations import new_conversation_limit
from marketplace.blueprints.outcomes import flash_errors, form_errors
from marketplace.blueprints.paging import page_number
from marketplace.conversations import operations as ops
from marketplace.conversations import reports
from marketplace.conversations.forms import (
    ActionForm,
    NewConversationForm,
    ReplyForm,
    ReportForm,
)
from marketplace.conversations.models import AboutType, Conversation, ReportState
from marketplace.conversations.notify import excerpt
from marketplace.conversations.schemas import ConversationInput, MessageInput
from marketplace.errors import PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.formatting import datetime_pattern
from marketplace.ids import parse_id
from marketplace.pagination import Pager
from marketplace.profiles.models import Profile
from marketplace.timeutil import to_paris
from marketplace.visibility import can_view_profile

bp = Blueprint("conversations", __name__, url_prefix="/messages")

PER_PAGE = 20
#: The characters of the latest message an inbox line shows.
INBOX_EXCERPT = 120
#: The messages a thread page shows (the earlier ones one link away).
THREAD_PAGE = 200
#: How many message bodies keep their HTML in memory, in each process (at most 5,000
#: characters each).
LINKIFIED = 2048
_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)]»"

#: Where a conversation about an object links back to.
ABOUT_ENDPOINTS = {
    "profile": ("profiles.show", "profile_id"),
    "tender": ("tenders.show", "tender_id"),
    "offer": ("offers.show", "offer_id"),
    "collective": ("collectives.show", "collective_id"),
    "subcontract": ("subcontracts.show", "record_id"),
}


@bp.app_template_filter("linkify")
@functools.lru_cache(maxsize=LINKIFIED)
def linkify(text: str) -> Markup:
    """Plain text shown safely: escaped, line breaks kept, http(s) links made clickable
    (nothing the author typed is rendered as HTML). A pure function of the text, so its
    latest results are kept: a thread read again is not escaped again."""
    escaped = str(escape(text))
    if "http" not in escaped:  # most messages: no link to look for
        return Markup(escaped.replace("\n", "<br>\n"))  # noqa: S704 (escaped above)

    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        tail = ""
        while url and url[-1] in _TRAILING:
            tail = url[-1] + tail
            url = url[:-1]
        return f'<a href="{url}" rel="nofollow noopener noreferrer ugc">{url}</a>{tail}'

    return Markup(_URL.sub(link, escaped).replace("\n", "<br>\n"))  # noqa: S704 (escaped above)


@bp.app_template_global("header_counts")
def header_counts() -> tuple[int, int]:
    """The header's (unread notifications, unread messages): one statement, for signed-in
    people only, read once per request."""
    if "header_counts" not in g:
        g.header_counts = ops.header_counts(current_user)
    return g.header_counts


@bp.app_template_global("contact_url")
def contact_url(profile_id: int | None, about: str | None = None, about_id: int | None = None,
                lot: int | None = None) -> str:  # fmt: skip
    """The « Contacter » link to a person, with what it is about."""
    args: dict[str, Any] = {"profil": profile_id}
    if about and about_id:
        args["sujet"] = f"{about}:{about_id}"
    if lot:
        args["lot"] = lot
    return url_for("conversations.new", **args)


def about_link(conversation: Conversation) -> tuple[str, str] | None:
    """(label, url) of what the conversation is about, when the reader may still see it."""
    row = ops.about_object(current_user, conversation.about_type, conversation.about_id)
    if row is None or conversation.about_type is None or conversation.about_id is None:
        return None
    endpoint, arg = ABOUT_ENDPOINTS[conversation.about_type]
    kind = AboutType.label_of(conversation.about_type)
    label = f"{kind} «\u00a0{ops.about_label(row, conversation.about_type)}\u00a0»"
    if conversation.about_lot:
        label += ", " + _("lot %(n)d", n=conversation.about_lot)
    values: dict[str, Any] = {arg: conversation.about_id}
    return label, url_for(endpoint, **values)


class InboxRow(NamedTuple):
    """One line of the inbox, worked out in one pass (the template only writes it)."""

    id: int
    #: The other participants' names.
    names: str
    subject: str
    unread: int
    #: The start of the latest message (None: none yet) and whether the reader wrote it.
    excerpt: str | None
    mine: bool
    iso: str
    when: str


def _inbox_rows(items: list[Conversation], me: int) -> list[InboxRow]:
    latest = ops.latest_excerpts(items)
    pattern = datetime_pattern()
    rows = []
    for c in items:
        last = latest.get(c.id)
        rows.append(
            InboxRow(
                id=c.id,
                names=", ".join(p.user.display_name for p in c.participants if p.user_id != me),
                subject=c.subject,
                unread=next((p.unread for p in c.participants if p.user_id == me), 0),
                excerpt=excerpt(last.body, INBOX_EXCERPT) if last is not None else None,
                mine=last is not None and last.author_id == me,
                iso=c.last_message_at.isoformat(),
                when=to_paris(c.last_message_at).strftime(pattern),
            )
        )
    return rows


@bp.get("")
@login_required
def index():
    page = page_number()
    items, total = ops.inbox(current_user, page, PER_PAGE, with_caes=False)
    return render_template(
        "conversations/index.html",
        rows=_inbox_rows(items, current_user.id),
        pager=Pager(page, PER_PAGE, total),
    )


def _about_from_args() -> dict[str, Any] | None:
    raw = request.args.get("sujet", "")
    kind, _sep, ident = raw.partition(":")
    about_id = parse_id(ident)
    if kind not in AboutType.values() or about_id is None:
        return None
    about: dict[str, Any] = {"type": kind, "id": about_id}
    lot = parse_id(request.args.get("lot"))
    if kind == "tender" and lot is not None and lot <= 999:
        about["lot"] = lot
    return about


def _recipient() -> Profile:
    profile_id = parse_id(request.args.get("profil"))
    profile = db.session.get(Profile, profile_id) if profile_id is not None else None
    if profile is None or not can_view_profile(current_user, profile):
        abort(404)
    return profile


def _new_page(form: NewConversationForm, profile: Profile, about: dict[str, Any] | None):
    about_row = ops.about_object(current_user, about["type"], about["id"]) if about else None
    about_text = None
    if about_row is not None and about is not None:
        name = ops.about_label(about_row, about["type"])
        about_text = f"{AboutType.label_of(about['type'])} «\u00a0{name}\u00a0»"
        if about.get("lot"):
            about_text += ", " + _("lot %(n)d", n=about["lot"])
    return render_template(
        "conversations/new.html",
        form=form,
        profile=profile,
        about_text=about_text,
        can_write=current_user.is_verified,
    )


@bp.get("/nouveau")
@login_required
def new():
    profile = _recipient()
    about = _about_from_args()
    form = NewConversationForm(formdata=None)
    return _new_page(form, profile, about)


@bp.post("/nouveau")
@login_required
@new_conversation_limit
def start():
    profile = _recipient()
    about = _about_from_args()
    form = NewConversationForm()
    with form_errors(form, lambda: _new_page(form, profile, about)):
        body = ConversationInput.load(
            {
                "to_profile_id": profile.id,
                "subject": form.subject.data or "",
                "body": form.body.data or "",
                "about": about,
            }
        )
        conversation = ops.start(current_user, body)
    flash(_("Your message is sent."), "success")
    return redirect(url_for("conversations.show", conversation_id=conversation.id), 303)


class Shown(NamedTuple):
    """A message as the thread shows it, worked out in one pass over the page."""

    id: int
    mine: bool
    #: The author's name (None: « You » or a deleted account, written by the template).
    author: str | None
    iso: str
    when: str
    html: Markup


def _shown(messages: list[Any], names: dict[int, str], me: int) -> list[Shown]:
    pattern = datetime_pattern()
    return [
        Shown(
            id=m.id,
            mine=m.author_id == me,
            author=names.get(m.author_id) if m.author_id is not None else None,
            iso=m.sent_at.isoformat(),
            when=to_paris(m.sent_at).strftime(pattern),
            html=linkify(m.body),
        )
        for m in messages
    ]


def _thread_page(conversation: Conversation, form: ReplyForm | None = None, mark: bool = False):
    """The thread's latest page (or the one before ``avant``: keyset, by message id); ``mark``
    moves the reader's marker to the latest message shown."""
    before = parse_id(request.args.get("avant"))
    messages = ops.thread_rows(conversation, before_id=before, limit=THREAD_PAGE)
    if mark:
        latest = messages[-1].id if messages and before is None else None
        ops.mark_read(current_user, conversation, latest)
    earlier = messages[0].id if len(messages) == THREAD_PAGE else None
    refusal, blocked = ops.thread_state(current_user, conversation)
    names = {p.user_id: p.user.display_name for p in conversation.participants}
    return render_template(
        "conversations/show.html",
        conversation=conversation,
        messages=_shown(messages, names, current_user.id),
        earlier=earlier,
        others=ops.others(conversation, current_user),
        report_url=url_for(
            "conversations.report", conversation_id=conversation.id, message_id=1
        ).removesuffix("/1"),
        profiles=ops.profile_ids([conversation]),
        about=about_link(conversation),
        form=form or ReplyForm(formdata=None),
        report_form=ReportForm(formdata=None),
        action_form=ActionForm(formdata=None),
        refusal=refusal,
        blocked=blocked,
    )


@bp.get("/<int:conversation_id>")
@login_required
def show(conversation_id: int):
    conversation = ops.get_conversation(current_user, conversation_id)
    return _thread_page(conversation, mark=True)


@bp.post("/<int:conversation_id>")
@login_required
def reply(conversation_id: int):
    conversation = ops.get_conversation(current_user, conversation_id)
    form = ReplyForm()
    back = url_for("conversations.show", conversation_id=conversation.id)
    with (
        flash_errors(back, catch=(PermissionDenied,), status=303, rollback=True),
        form_errors(form, lambda: _thread_page(conversation, form), status=None),
    ):
        ops.reply(current_user, conversation, MessageInput.load({"body": form.body.data or ""}))
    return redirect(back + "#dernier", 303)


def _act(conversation_id: int, act: Callable[[Viewer, Conversation], None], done: str):
    """A button of a conversation's page: the operation, a word that it is done, the page."""
    conversation = ops.get_conversation(current_user, conversation_id)
    ActionForm()
    act(current_user, conversation)
    flash(done, "success")
    return redirect(url_for("conversations.show", conversation_id=conversation.id), 303)


@bp.post("/<int:conversation_id>/bloquer")
@login_required
def block(conversation_id: int):
    return _act(conversation_id, ops.block, _("This person can no longer write to you."))


@bp.post("/<int:conversation_id>/debloquer")
@login_required
def unblock(conversation_id: int):
    return _act(conversation_id, ops.unblock, _("This person can write to you again."))


@bp.post("/<int:conversation_id>/signaler/<int:message_id>")
@login_required
def report(conversation_id: int, message_id: int):
    conversation = ops.get_conversation(current_user, conversation_id)
    form = ReportForm()
    back = url_for("conversations.show", conversation_id=conversation.id)
    with flash_errors(back, catch=(ValidationError,), status=303, rollback=True):
        reports.report(
            current_user, conversation, {"message_id": message_id, "reason": form.reason.data}
        )
    flash(_("The message is reported to the administrators."), "success")
    return redirect(back, 303)


# The administrators' reports ------------------------------------------------------------------


@bp.get("/signalements")
@login_required
def reports_page():
    state = request.args.get("etat", "open")
    if state not in ReportState.values():
        abort(404)
    page = page_number()
    items, total = reports.reports(current_user, state, page, PER_PAGE)
    return render_template(
        "conversations/reports.html",
        reports=items,
        state=state,
        states=ReportState.labels(),
        pager=Pager(page, PER_PAGE, total),
        profiles=_author_profiles(items),
        action_form=ActionForm(formdata=None),
    )


def _author_profiles(items: list[Any]) -> dict[int, int]:
    users = {r.message.author_id for r in items if r.message.author_id is not None}
    users |= {r.reporter_id for r in items if r.reporter_id is not None}
    if not users:
        return {}
    rows = db.session.execute(select(Profile.user_id, Profile.id).where(Profile.user_id.in_(users)))
    return {user_id: profile_id for user_id, profile_id in rows}


@bp.post("/signalements/<int:report_id>")
@login_required
def review(report_id: int):
    ActionForm()
    back = url_for("conversations.reports_page")
    with flash_errors(back, status=303, rollback=True):
        reports.review(current_user, report_id)
    flash(_("The report is marked as reviewed."), "success")
    return redirect(back, 303)
