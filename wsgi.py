"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi …`."""

from marketplace import create_app
from marketplace.runtime import tune_gc

app = create_app()
tune_gc()  # a long-running worker: see marketplace/runtime.py
