"""The floor of the stack: a Flask app that answers one short page, served by the same gunicorn
settings as the product (``gunicorn bench.trivial_app:app``) to compare throughputs."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "<!doctype html><title>Essaim</title><p>Bonjour</p>"
