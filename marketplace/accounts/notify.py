"""E-mails about accounts: invitations, password resets, membership decisions."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.accounts.operations import make_password_token
from marketplace.links import external_url
from marketplace.mail import send_mail, send_mails


def _locale(user: User) -> str:
    return user.locale or current_app.config["LANGUAGES"][0]


def send_password_reset(user: User) -> None:
    link = external_url("auth.reset", token=make_password_token(user, "reset"))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    with force_locale(_locale(user)):
        subject = _("Essaim: choose a new password")
        body = _(
            "Hello %(name)s,\n\nSomeone (probably you) asked to reset the password of your Essaim "
            "account. Open this link within %(minutes)d minutes to choose a new one:\n\n"
            "%(link)s\n\n"
            "If you did not ask for it, ignore this message: your password stays the same.\n",
            name=user.first_name,
            minutes=minutes,
            link=link,
        )
    send_mail(user.email, subject, body)


def send_invitation(user: User) -> None:
    with force_locale(_locale(user)):
        message = _invitation(user, current_app.config["INVITATION_MAX_AGE"] // 86400)
    send_mail(*message)


def send_invitations(users: list[User]) -> None:
    """The invitation to choose a password, for each account (a members import sends many:
    the texts are translated once per language, then filled in for each person)."""
    days = current_app.config["INVITATION_MAX_AGE"] // 86400
    by_locale: dict[str, list[User]] = {}
    for user in users:
        by_locale.setdefault(_locale(user), []).append(user)
    messages: list[tuple[str, str, str]] = []
    for locale, group in by_locale.items():
        with force_locale(locale):
            texts = _invitation_texts()
        messages.extend(_invitation(user, days, texts) for user in group)
    send_mails(messages)


def _invitation_texts() -> tuple[str, str]:
    """The invitation's subject and body in the current locale, with their blanks."""
    subject = _("%(cae)s invites you to Essaim")
    body = _(
        "Hello %(name)s,\n\n%(cae)s has created your account on Essaim, where the "
        "entrepreneur·es of cooperatives pool their skills. Open this link within %(days)d "
        "days to choose your password and complete your profile:\n\n%(link)s\n"
    )
    return subject, body


def _invitation(
    user: User, days: int, texts: tuple[str, str] | None = None
) -> tuple[str, str, str]:
    """(to, subject, body) in the texts' language (by default the current locale's: the
    caller forces the person's)."""
    subject, body = texts or _invitation_texts()
    link = external_url("auth.invitation", token=make_password_token(user, "invitation"))
    cae_name = user.cae.name if user.cae else "Essaim"
    blanks = {"name": user.first_name, "cae": cae_name, "days": days, "link": link}
    return user.email, subject % blanks, body % blanks


def send_membership_decision(user: User) -> None:
    cae_name = user.cae.name if user.cae else ""
    with force_locale(_locale(user)):
        if user.membership == "verified":
            subject = _("Your membership of %(cae)s is verified", cae=cae_name)
            body = _(
                "Hello %(name)s,\n\nThe support team of %(cae)s has verified your membership. "
                "You can now see and be seen by the members of the network:\n\n%(link)s\n",
                name=user.first_name,
                cae=cae_name,
                link=external_url("profiles.edit"),
            )
        else:
            subject = _("Your membership of %(cae)s was not confirmed", cae=cae_name)
            body = _(
                "Hello %(name)s,\n\nThe support team of %(cae)s did not confirm your membership. "
                "If you think this is a mistake, contact them directly.\n",
                name=user.first_name,
                cae=cae_name,
            )
    send_mail(user.email, subject, body)
