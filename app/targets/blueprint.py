from flask import Blueprint

bp = Blueprint("targets", __name__, url_prefix="/targets")
