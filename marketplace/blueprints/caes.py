from flask import Blueprint

bp = Blueprint("caes", __name__, url_prefix="/caes")
