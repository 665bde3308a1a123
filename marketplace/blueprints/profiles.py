from flask import Blueprint

bp = Blueprint("profiles", __name__, url_prefix="/profils")
