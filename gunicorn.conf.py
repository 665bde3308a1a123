"""gunicorn's settings for this project, read from the project folder (`gunicorn wsgi:app`).

Request lines up to 8190 bytes (gunicorn's largest bounded value; its default is 4094) reach the
application, which refuses paths and query strings over 8000 bytes itself with a 414 in its own
format (the JSON error format under /api/, a French page elsewhere). Longer lines are refused by
gunicorn (414, plain HTML) or by the reverse proxy before that.
"""

limit_request_line = 8190
