from flask import Blueprint

bp = Blueprint("credentials", __name__, url_prefix="/credentials")
