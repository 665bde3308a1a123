"""Command line: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach the command groups (each lives beside its domain)."""
