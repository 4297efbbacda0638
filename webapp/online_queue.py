"""The counter's side of online submission (officers): the dossiers citizens submitted online,
waiting in status 1 at the agencies where the officer receives, with the scans they uploaded. The
decision itself is the reception page's (accept, guide with form 02, refuse with form 03)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from engine.procedures.catalogue import intake_schema
from engine.queries.case_data import case_data
from engine.queries.online import file_for_officer, online_queue
from webapp import motcua
from webapp.citizen.apply import send_stored
from webapp.i18n import current_language

bp = Blueprint("online_queue", __name__)


@bp.before_request
@login_required
def _officers_only():
    """Every page here needs an officer's login."""


@bp.get("/reception/online")
def index():
    with motcua().read_session() as s:
        queue = online_queue(s, current_user.id)
        for item in queue:
            for f in item.files:
                s.expunge(f)
    # What the citizen typed, read as on the dossier's page: under the intake form's titles, dates as days.
    # Each procedure's intake form once per page, however many of its dossiers wait.
    directory = motcua().settings.catalogue_dir
    forms = {key: intake_schema(directory, key) for key in {item.procedure_key for item in queue}}
    typed = {item.dossier_id: case_data({}, {}, item.data, forms[item.procedure_key], current_language())
             for item in queue}
    return render_template("reception/online_queue.html", queue=queue, typed=typed)


@bp.get("/reception/online/files/<int:file_id>")
def document(file_id: int):
    """A scan, shown in the browser (sandboxed) or downloaded with ?tai=1."""
    with motcua().read_session() as s:
        found = file_for_officer(s, current_user.id, file_id)
    if found is None:
        abort(404)
    return send_stored(found, inline=request.args.get("tai") != "1")
