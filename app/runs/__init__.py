from flask import Blueprint

bp = Blueprint("runs", __name__)

from app.runs import views  # noqa: E402, F401
