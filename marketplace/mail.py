"""Outgoing e-mail: send_mail() writes the message to the outbox in the caller's transaction.

Nothing here talks to SMTP during a request: the background worker (`flask jobs run`,
marketplace/jobs/worker.py) delivers queued messages with deliver(), through SMTP when
MARKETPLACE_MAIL_URL is set, otherwise to files in instance/mail/ and the log.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from marketplace.jobs.outbox import enqueue, enqueue_many
from marketplace.timeutil import utcnow

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> None:
    """Queue a plain-text message: it leaves only if the current transaction commits."""
    enqueue(to, subject, body)


def send_mails(messages: list[tuple[str, str, str]]) -> None:
    """send_mail() for many (to, subject, body) at once, written in one statement."""
    enqueue_many(messages)


def build_message(row: Any, sender: str) -> EmailMessage:
    """The e-mail of an outbox row; the same bytes headers on every attempt (Message-ID, Date)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    message.set_content(row.body)
    return message


def deliver(message: EmailMessage, config: dict) -> None:
    """Hand one message to the mail server (MAIL_URL) or write it to MAIL_DIR; raise on failure."""
    url = config.get("MAIL_URL")
    if url:
        _deliver_smtp(message, url, float(config.get("MAIL_TIMEOUT") or 15))
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


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: loading the system's certificates costs about 50 ms."""
    return ssl.create_default_context()


def _deliver_smtp(message: EmailMessage, url: str, timeout: float) -> None:
    """SMTP with STARTTLS, except on port 25 or to a relay on this machine (loopback)."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 587)
    smtp = (
        smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context())
        if secure
        else smtplib.SMTP(host, port, timeout=timeout)
    )
    with smtp:
        if not secure and port != 25 and not _loopback(host):
            smtp.starttls(context=_tls_context())
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
