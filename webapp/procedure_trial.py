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
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from lxml import etree
from markupsafe import Markup

from engine.commands.procedures import MAX_BPMN_BYTES
from engine.procedures.manifest import build_manifest
from engine.procedures.safe_xml import UnsafeXml, parse_untrusted
from engine.queries import procedures as queries
from engine.scenarios import SCENARIOS_DIR
from webapp import motcua
from webapp.admin import REJECT_REASONS
from webapp.diagram import render_diagram
from webapp.field_messages import in_page_language
from webapp.i18n import current_language, diagram_label, flow_label, format_number, role_label, status_label, step_label
from webapp.procedures import bp

TRIAL_TIMEOUT_S = 180

# The kinds of warning a run raises (engine/scheduler/escalation.py), as the supervision page says them.
ESCALATION_LEVELS = {
    "overdue": _l("Bước quá hạn"),
    "will_be_late": _l("Hồ sơ có nguy cơ trễ hạn"),
    "warning": _l("Bước sắp đến hạn"),
}


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
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        current_app.logger.error("trial run failed: %s", done.stderr[-2000:])
        return {"ok": False, "error": _("Không chạy thử được; xem nhật ký máy chủ."), "steps": []}
    if result.get("error") and not result.get("problems"):
        # The scenario file itself could not be read: the parser's English and the file's place
        # on the server are for the log and the command line, not the modeller's page.
        current_app.logger.error("trial run: scenario %s unreadable: %s", scenario.name, result["error"])
        result["error"] = _("tệp kịch bản chạy thử (workflows/scenarios/%(name)s) viết sai; "
                            "hãy sửa tệp theo hướng dẫn trong docs/MODELLING.md.", name=scenario.name)
    return result


def _diagram(xml: str, step: dict) -> Markup | None:
    try:
        svg = render_diagram(xml, done=step.get("done", []), current=step.get("open", []), lane_label=role_label,
                             name_label=diagram_label, flow_label=flow_label)
    except (UnsafeXml, etree.XMLSyntaxError):
        return None
    return Markup(svg) if svg else None  # built by lxml: every name in it is escaped


def _step_names(xml: str) -> dict[str, str]:
    """Each step's name by its BPMN id: the run reports steps by id."""
    try:
        manifest = build_manifest(parse_untrusted(xml.encode("utf-8"), MAX_BPMN_BYTES))
    except (UnsafeXml, etree.XMLSyntaxError):
        return {}
    return {step_id: step["name"] for step_id, step in manifest["steps"].items()}


def _element_names(xml: str) -> dict[str, str]:
    """Every named element's name by its BPMN id (the process, a lane, a flow…): a problem the
    check finds is said of its element by the name the modeller gave it, not its id."""
    try:
        tree = parse_untrusted(xml.encode("utf-8"), MAX_BPMN_BYTES)
    except (UnsafeXml, etree.XMLSyntaxError):
        return {}
    return {el.get("id"): el.get("name") for el in tree.iter() if el.get("id") and el.get("name")}


def _waited(wait: dict) -> str:
    """How long a step waits, in the page's language ("1,6 ngày làm việc", "1.6 working days")."""
    said = []
    for unit, amount in wait.items():
        n, count = format_number(amount), 1 if amount == 1 else 2
        if unit == "working_days":
            said.append(ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", count, n=n))
        elif unit == "working_hours":
            said.append(ngettext("%(n)s giờ làm việc", "%(n)s giờ làm việc", count, n=n))
        else:
            said.append(ngettext("%(n)s ngày theo lịch", "%(n)s ngày theo lịch", count, n=n))
    return ", ".join(said)


def _title(step: dict, name) -> str:
    """What the step of the scenario did; a label the scenario gives is the modeller's, as written."""
    action = step.get("action")
    if step.get("labelled") or action not in ("receive", "complete", "send_back", "wait", "partner_reply"):
        return step.get("label", "")
    if action == "receive":
        return _("Tiếp nhận hồ sơ")
    if action == "complete":
        return _("Hoàn thành bước «%(step)s»", step=name(step.get("step", "")))
    if action == "send_back":
        return _("Trả lại ở bước «%(step)s»", step=name(step.get("step", "")))
    if action == "wait":
        return _("Chờ %(time)s", time=_waited(step.get("wait") or {}))
    return _("Đối tác trả lời: %(message)s", message=step.get("message", ""))


def _status(code) -> str:
    """A status the scenario expects may be no status at all (a typo): then its number."""
    try:
        return status_label(code)
    except ValueError:
        return str(code)


def _listed(items: list[str], none: str) -> str:
    return ", ".join(items) if items else none


def _fields(fields: list[dict]) -> list[str]:
    """A refused form's fields, each by its title in the page's language, with its messages."""
    english = current_language() == "en"
    said = []
    for f in fields:
        title = (f.get("title_en") if english else "") or f.get("title") or f.get("field", "")
        messages = f.get("messages_en") if english else f.get("messages")
        said.append(f"{title}: " + " ".join(in_page_language(m) for m in messages or []))
    return said


def _failure(detail: dict, name) -> dict:
    """One failure as the modeller reads it: what the scenario expected and what happened, in the
    page's language, steps by their names and statuses by their labels (the run reports ids,
    codes and English). ``fields``: a refused form's fields, one line each."""
    kind, expected, observed = detail.get("kind"), detail.get("expected"), detail.get("observed")
    fields = []
    if kind == "status":
        text = _("Trạng thái hồ sơ là «%(observed)s»; kịch bản chờ «%(expected)s».",
                 observed=_status(observed), expected=_status(expected))
    elif kind in ("open", "not_open"):
        no_step = _("không có bước nào")
        shown = _listed([name(i) for i in observed or []], no_step)
        if kind == "open":
            text = _("Bước đang mở: %(observed)s; kịch bản chờ: %(expected)s.", observed=shown,
                     expected=_listed([name(i) for i in expected or []], no_step))
        else:
            text = _("Bước «%(step)s» không đang mở nên không thực hiện được; bước đang mở: %(open)s.",
                     step=name(detail.get("element", "")), open=shown)
    elif kind == "due":
        text = _("Hạn trả kết quả: %(observed)s; kịch bản chờ: %(expected)s.",
                 observed=observed or _("chưa có hạn"), expected=expected)
    elif kind == "finished":
        text = (_("Hồ sơ chưa kết thúc, nhưng kịch bản chờ hồ sơ đã kết thúc.") if expected else
                _("Hồ sơ đã kết thúc, nhưng kịch bản chờ hồ sơ vẫn đang giải quyết."))
    elif kind == "escalations":
        none = _("không có cảnh báo nào")
        text = _("Cảnh báo đã phát: %(observed)s; kịch bản chờ: %(expected)s.",
                 observed=_listed([str(ESCALATION_LEVELS.get(x, x)) for x in observed or []], none),
                 expected=_listed([str(ESCALATION_LEVELS.get(x, x)) for x in expected or []], none))
    elif kind == "no_holder":
        text = _("Trong dữ liệu mẫu, không ai giữ vai trò «%(role)s» ở cơ quan của bước.",
                 role=role_label(detail.get("role", "")))
    elif kind == "no_agency":
        text = _("Dữ liệu mẫu không có cơ quan loại «%(kind)s» mà kịch bản ghi.", kind=detail.get("agency_kind", ""))
    elif kind == "no_wait":
        text = _("Bước chờ chưa ghi chờ bao lâu: số ngày làm việc, giờ làm việc hoặc ngày theo lịch.")
    elif kind == "nothing_sent":
        text = _("Chưa có thư nào gửi đối tác nên đối tác chưa có gì để trả lời.")
    elif kind == "partner_refused":
        reason = REJECT_REASONS.get(detail.get("reason", ""))
        text = (_("Thư trả lời của đối tác bị từ chối: %(reason)s.", reason=reason) if reason
                else _("Thư trả lời của đối tác bị từ chối."))
        fields = _fields(detail.get("fields") or [])
    elif kind == "refused":
        why = detail.get("message_vi") if current_language() == "vi" else detail.get("message_en")
        text = _("Hệ thống từ chối: %(why)s", why=why or "—")
        fields = _fields(detail.get("fields") or [])
    else:  # a kind this page does not know (a newer engine): never its raw words
        text = _("Bước này không đúng như kịch bản.")
    return {"text": text, "fields": fields}


def _in_page_language(result: dict, xml: str) -> dict:
    """The run as the page says it: steps by their names, not their BPMN ids; warnings by their
    kind; the procedure's problems in the page's language (the run reports ids, keys, English)."""
    names = _step_names(xml)

    def name(step_id: str) -> str:
        return step_label(names.get(step_id, step_id))

    for step in result.get("steps", []):
        step["title"] = _title(step, name)
        step["open_names"] = [name(step_id) for step_id in step.get("open", [])]
        step["escalation_names"] = [str(ESCALATION_LEVELS.get(level, level)) for level in step.get("escalations", [])]
        step["failure_texts"] = [_failure(detail, name) for detail in step.get("failure_details") or []]
        if step.get("failures") and not step["failure_texts"]:
            step["failure_texts"] = [_failure({}, name)]
    result["failed_step"] = next((s.get("number") for s in result.get("steps", []) if not s.get("ok", True)), None)
    vietnamese = current_language() == "vi"
    elements = _element_names(xml)
    result["problems"] = [{"element": diagram_label(elements[p["element"]]) if p.get("element") in elements
                           else p.get("element", ""),
                           "message": (p.get("message_vi") if vietnamese else "") or p.get("message", "")}
                          for p in result.get("problems") or []]
    return result


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
    result = _in_page_language(_run(scenario, xml, forms), xml)
    diagrams = [_diagram(xml, step) for step in result.get("steps", [])]
    return render_template("procedures/try.html", p=detail.row, result=result, what=what, diagrams=diagrams)
