from flask import Blueprint

bp = Blueprint("runs", __name__)
