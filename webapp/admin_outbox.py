"""The old address of the administrators' page of failed citizen mail and SMS: both are now on
the page of messages that did not go out (/admin/mail, webapp/admin.py), where this leads."""
from __future__ import annotations

from flask import Blueprint, redirect, url_for

bp = Blueprint("admin_outbox", __name__)


@bp.get("/admin/outbox")
def index():
    return redirect(url_for("admin.mail"), code=301)
