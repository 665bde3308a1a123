"""Messages about tenders, sent after the commit (e-mail today; in-site notifications later).

The one place that tells people about applications, decisions and deadlines: switching to the
notifications of marketplace/notifications/ only means changing _tell().
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.accounts.notify import external_url
from marketplace.formatting import datetime_short
from marketplace.mail import send_mail

_silenced: ContextVar[bool] = ContextVar("tender_notifications_silenced", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """No message inside this block (the demo data loader)."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def _tell(user: Any, subject_and_body) -> None:
    if _silenced.get() or not user.is_active:
        return
    with force_locale(user.locale or current_app.config["LANGUAGES"][0]):
        subject, body = subject_and_body()
    send_mail(user.email, subject, body)


def application_received(tender: Any, application: Any) -> None:
    owner = tender.owner.user
    link = external_url("tenders.show", tender_id=tender.id)

    def text():
        return (
            _("Essaim: a new application for “%(title)s”", title=tender.title),
            _(
                "Hello %(name)s,\n\n%(applicant)s applies to your tender “%(title)s” "
                "(lots: %(lots)s).\n\nAccept or decline the application on its page:\n%(link)s\n",
                name=owner.first_name,
                applicant=application.applicant.display_name,
                title=tender.title,
                lots=", ".join(str(lot.number) for lot in application.lots),
                link=link,
            ),
        )

    _tell(owner, text)


def application_decided(tender: Any, application: Any) -> None:
    user = application.applicant.user
    link = external_url("tenders.show", tender_id=tender.id)

    def text():
        if application.state == "accepted":
            subject = _("Essaim: you are in the team for “%(title)s”", title=tender.title)
            body = _(
                "Hello %(name)s,\n\n%(owner)s accepted your application to “%(title)s”: you are "
                "in the team.\n\n%(link)s\n",
                name=user.first_name,
                owner=tender.owner.display_name,
                title=tender.title,
                link=link,
            )
        else:
            subject = _("Essaim: your application to “%(title)s”", title=tender.title)
            body = _(
                "Hello %(name)s,\n\n%(owner)s declined your application to “%(title)s”.\n\n"
                "%(link)s\n",
                name=user.first_name,
                owner=tender.owner.display_name,
                title=tender.title,
                link=link,
            )
        return subject, body

    _tell(user, text)


def deadline_reminder(tender: Any, member_profile: Any) -> None:
    user = member_profile.user
    link = external_url("tenders.show", tender_id=tender.id)

    def text():
        return (
            _("Essaim: the deadline of “%(title)s” is near", title=tender.title),
            _(
                "Hello %(name)s,\n\nOffers for “%(title)s” are due on %(deadline)s (Paris "
                "time). Check the team and the documents with the others:\n%(link)s\n",
                name=user.first_name,
                title=tender.title,
                deadline=datetime_short(tender.deadline),
                link=link,
            ),
        )

    _tell(user, text)


def tender_cancelled(tender: Any) -> None:
    """Tell the team (and pending applicants) that the owner cancelled the tender."""
    link = external_url("tenders.show", tender_id=tender.id)
    people = [m.profile for m in tender.members if m.profile_id != tender.owner_profile_id]
    people += [a.applicant for a in tender.applications if a.state == "pending"]
    for profile in people:
        user = profile.user

        def text(user=user):
            return (
                _("Essaim: “%(title)s” is cancelled", title=tender.title),
                _(
                    "Hello %(name)s,\n\n%(owner)s cancelled the tender “%(title)s”: the team "
                    "will not answer it.\n\n%(link)s\n",
                    name=user.first_name,
                    owner=tender.owner.display_name,
                    title=tender.title,
                    link=link,
                ),
            )

        _tell(user, text)
