"""The application served by gunicorn in the race tests: the product's own, with its mail
written to the test's folder instead of instance/."""

import os

from marketplace import create_app

app = create_app({"MAIL_DIR": os.environ["RACE_MAIL_DIR"]})
