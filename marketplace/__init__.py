"""Essaim: the marketplace where entrepreneurs of French CAEs pool their skills."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from marketplace.config import load_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints. No I/O beyond config."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(load_config(app.instance_path, config))

    # web and cli are imported here, not above: importing one module of the package (a model,
    # a migration, a tool) must not load the whole application.
    from marketplace import web

    web.init_extensions(app)
    web.register_blueprints(app)
    web.init_request_cycle(app)
    web.init_templates(app)

    from marketplace.cli import register_cli

    register_cli(app)
    return app
