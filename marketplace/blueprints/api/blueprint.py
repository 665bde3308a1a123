"""The API's Blueprint object, apart from the package: its modules import it without a circle."""

from flask import Blueprint

from marketplace.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)
