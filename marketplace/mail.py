"""Outgoing e-mail: SMTP when MARKETPLACE_MAIL_URL is set, otherwise files in instance/mail/.

Messages are queued with send_mail() and leave only once the transaction commits.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

from marketplace.events import on_commit
from marketplace.extensions import db
from marketplace.timeutil import utcnow

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> None:
    """Queue a plain-text message for after the commit."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="essaim.invalid")
    message.set_content(body)
    config = {
        "MAIL_URL": current_app.config.get("MAIL_URL"),
        "MAIL_DIR": current_app.config["MAIL_DIR"],
    }
    on_commit(db.session(), lambda: deliver(message, config))


def deliver(message: EmailMessage, config: dict) -> None:
    url = config.get("MAIL_URL")
    if url:
        _deliver_smtp(message, url)
    else:
        _deliver_to_folder(message, Path(config["MAIL_DIR"]))


def _deliver_to_folder(message: EmailMessage, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    recipient = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in message["To"])
    path = folder / f"{stamp}-{recipient}.eml"
    path.write_bytes(bytes(message))
    log.warning(
        "Mail to %s written to %s\nSubject: %s\n\n%s",
        message["To"],
        path,
        message["Subject"],
        message.get_content(),
    )
    return path


def _deliver_smtp(message: EmailMessage, url: str) -> None:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 587)
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if secure else smtplib.SMTP
    kwargs = {"context": context} if secure else {}
    with smtp_class(host, port, timeout=20, **kwargs) as smtp:
        if not secure and port != 25:
            smtp.starttls(context=context)
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
