"""Shared pieces of the command line: the refusal shown on stderr and the one-transaction decorator.

The ground floor of the commands: marketplace.cli, marketplace.backup and each domain's own
commands (tenders/cli.py, search/cli.py…) import from here, never from each other.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import click
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from marketplace.errors import DomainError
from marketplace.extensions import db

log = logging.getLogger(__name__)


class CommandError(click.ClickException):
    """A refusal shown as « Erreur : … » on stderr, with optional detail lines; exit code 1."""

    exit_code = 1

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.details = details or []

    def show(self, file: Any = None) -> None:
        click.echo(f"Erreur : {self.message}", err=True)
        for line in self.details:
            click.echo(f"  {line}", err=True)


def _domain_error(error: DomainError, labels: dict[str, str]) -> CommandError:
    details = [
        f"{labels.get(name, name)} : {message}"
        for name, messages in error.fields.items()
        for message in messages
    ]
    message = error.message or (details[0] if details else type(error).__name__)
    details = [line for line in details if not line.endswith(f" : {message}")]
    if details == [message]:
        details = []
    return CommandError(message, details)


def transactional(labels: dict[str, str] | None = None) -> Callable:
    """Run the command in one transaction: commit at the end, roll back on any error.

    The command returns the text to print on stdout; it is printed after the commit.
    labels maps operation field names to the option names shown in error messages.
    """

    def decorate(function: Callable[..., str | None]) -> Callable[..., None]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            try:
                output = function(*args, **kwargs)
                db.session.commit()
            except (click.ClickException, click.exceptions.Exit, click.Abort):
                _rollback()
                raise
            except DomainError as error:
                _rollback()
                raise _domain_error(error, labels or {})
            except SQLAlchemyError as error:
                _rollback()
                log.debug("database error", exc_info=True)
                raise CommandError(_database_message(error))
            except Exception as error:
                _rollback()
                if current_app.debug:  # flask --debug …: show the traceback to the developer
                    raise
                raise CommandError(f"erreur inattendue ({type(error).__name__}) : {error}")
            if output:
                click.echo(output)

        return wrapper

    return decorate


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the transaction is lost anyway
        log.debug("rollback failed", exc_info=True)


def _database_message(error: SQLAlchemyError) -> str:
    text = str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error) else ""
    lowered = text.lower()
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return "la base de données n'est pas prête : lancez « flask --app wsgi db upgrade »."
    return f"erreur de la base de données : {text}"
