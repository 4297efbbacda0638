""""Chạy thử": run the procedure's scenario (workflows/scenarios/<key>.toml) against its active
version or the modeller's draft, in a throwaway database and a process of its own (a scenario
moves the engine's clock, which a serving process must not), and show the result step by step
on the diagram. Routes of the procedures blueprint (webapp/procedures.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from lxml import etree
from markupsafe import Markup

from engine.procedures.safe_xml import UnsafeXml
from engine.queries import procedures as queries
from engine.scenarios import SCENARIOS_DIR
from webapp import motcua
from webapp.diagram import render_diagram
from webapp.i18n import diagram_label, flow_label, role_label
from webapp.procedures import bp

TRIAL_TIMEOUT_S = 180


def _run(scenario: Path, xml: str, forms: dict) -> dict:
    settings = motcua().settings
    with tempfile.TemporaryDirectory(prefix="motcua-trial-") as tmp:
        bpmn, forms_file = Path(tmp) / "procedure.bpmn", Path(tmp) / "forms.json"
        bpmn.write_text(xml, encoding="utf-8")
        forms_file.write_text(json.dumps(forms, ensure_ascii=False), encoding="utf-8")
        env = dict(os.environ, MOTCUA_FORMS_DIR=str(settings.forms_dir), MOTCUA_BPMN_DIR=str(settings.bpmn_dir))
        env.pop("DATABASE_URL", None)  # never the real database: the run makes its own
        try:
            done = subprocess.run([sys.executable, "-m", "engine.scenarios", str(scenario), "--json",
                                   "--bpmn", str(bpmn), "--forms", str(forms_file)],
                                  capture_output=True, text=True, timeout=TRIAL_TIMEOUT_S, env=env)
        except subprocess.TimeoutExpired:
            return {"ok": False, "error": _("Chạy thử quá lâu và đã bị dừng."), "steps": []}
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        current_app.logger.error("trial run failed: %s", done.stderr[-2000:])
        return {"ok": False, "error": _("Không chạy thử được; xem nhật ký máy chủ."), "steps": []}


def _diagram(xml: str, step: dict) -> Markup | None:
    try:
        svg = render_diagram(xml, done=step.get("done", []), current=step.get("open", []), lane_label=role_label,
                             name_label=diagram_label, flow_label=flow_label)
    except (UnsafeXml, etree.XMLSyntaxError):
        return None
    return Markup(svg) if svg else None  # built by lxml: every name in it is escaped


@bp.post("/<key>/try")
def try_scenario(key: str):
    scenario = SCENARIOS_DIR / f"{key}.toml"
    with motcua().read_session() as s:
        detail = queries.procedure_detail(s, current_user.id, key)
        source = request.form.get("source", "active")
        draft = queries.draft_content(s, current_user.id, key) if source == "draft" else None
        if draft is not None:
            xml, forms = draft
            what = _("bản nháp")
        else:
            xml, forms = queries.version_content(s, current_user.id, key, detail.row.active_number)
            what = _("phiên bản %(n)s", n=detail.row.active_number)
    if not scenario.is_file():
        flash(_("Thủ tục chưa có kịch bản chạy thử (workflows/scenarios/%(key)s.toml).", key=key), "error")
        return redirect(url_for(".show", key=key))
    result = _run(scenario, xml, forms)
    diagrams = [_diagram(xml, step) for step in result.get("steps", [])]
    return render_template("procedures/try.html", p=detail.row, result=result, what=what, diagrams=diagrams)
