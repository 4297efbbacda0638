"""Procedure scenarios: try a procedure before citizens do.

A scenario (``workflows/scenarios/<procedure>.toml``) is a list of steps, each an action and
what must hold after it::

    procedure = "dang_ky_ket_hon"          # the key; its file is workflows/bpmn/<key>.bpmn
    start = "2026-11-23 09:00"              # the agency's local time
    [[steps]]
    action = "receive"                      # receive · complete · send_back · wait · partner_reply
    applicant = "Nguyễn Văn An"
    expect = { status = 2, open = ["appraise"], due = "30/11/2026" }

``complete`` names the open ``step`` (its id) and the form ``data``; ``send_back`` a ``reason``;
``wait`` moves the engine's clock by ``working_days`` (or ``working_hours``, ``calendar_days``)
on the receiving agency's calendar and runs the scheduler's sweeps (timers, step warnings and
escalations, the apology check); ``partner_reply`` hands in the partner's ``message`` with its
``data`` through the partner protocol (signed, as the partner's system sends it). ``expect``
checks the dossier's ``status``, the ``open`` steps, the ``due`` date (dd/mm/yyyy), whether it is
``finished``, and the ``escalations`` raised so far (their levels, e.g. ``["warning"]``).

``run_file`` runs a scenario in a throwaway database of its own (the demo organisation, the
procedure deployed from the file or a draft's XML), so nothing touches a real one; it moves the
process's engine clock, so the web app runs it in a separate process (``python -m
engine.scenarios``). The result lists every step with what was observed and what failed: each
failure once in English words (``failures``, what the command line prints) and once as data
(``failure_details``: its ``kind``, what was ``expected``, what was ``observed``, at which scenario
``step`` and on which diagram ``element``), which the web page says in its own language.
"""
from __future__ import annotations

import json
import sys
import tempfile
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from engine.config import PROJECT_ROOT

SCENARIOS_DIR = PROJECT_ROOT / "workflows" / "scenarios"
ACTIONS = ("receive", "complete", "send_back", "wait", "partner_reply")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class ScenarioInvalid(ValueError):
    """The scenario file itself is wrong (not the procedure)."""


# What can go wrong at a step (``failure_details[i]["kind"]``); a page says each in its language
# (webapp/procedure_trial.py). The first five: an ``expect`` that did not hold.
FAILURE_KINDS = ("status", "open", "due", "finished", "escalations",
                 "not_open",         # the step to complete or send back (``element``) is not open
                 "no_holder",        # nobody holds the step's ``role`` in its agency
                 "no_agency",        # the demo organisation has no agency of ``agency_kind``
                 "no_wait",          # a wait without how long
                 "nothing_sent",     # a partner reply, but nothing was sent to a partner
                 "partner_refused",  # the partner's reply was refused (``reason``, ``fields``)
                 "refused")          # the engine refused the action (``message_vi``/``_en``, ``fields``)


class StepFailed(AssertionError):
    """A step did not do what the scenario says: ``str()`` in English (the command line),
    ``details`` as data."""

    def __init__(self, english: str, kind: str, **details):
        super().__init__(english)
        self.details = {"kind": kind, **details}


@dataclass
class StepResult:
    number: int
    action: str
    label: str
    # What the step acts on, for a page to say it in its own language: the BPMN id of the step
    # completed or sent back, the partner's message, how long to wait (unit → amount); and whether
    # the scenario gave its own ``label`` (the modeller's words, shown as written).
    step: str = ""
    message: str = ""
    wait: dict = field(default_factory=dict)
    labelled: bool = False
    ok: bool = True
    failures: list[str] = field(default_factory=list)
    failure_details: list[dict] = field(default_factory=list)
    status: int | None = None
    open: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    due: str = ""
    escalations: list[str] = field(default_factory=list)
    finished: bool = False


@dataclass
class ScenarioResult:
    procedure: str
    steps: list[StepResult] = field(default_factory=list)
    error: str = ""
    # Why the procedure could not be deployed: each problem with its English and Vietnamese, so a
    # page says it in its own language (``error`` is the command line's English).
    problems: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and all(s.ok for s in self.steps)

    def as_dict(self) -> dict:
        return {"procedure": self.procedure, "ok": self.ok, "error": self.error, "problems": self.problems,
                "steps": [asdict(s) for s in self.steps]}


def load(path: Path | str) -> dict:
    try:
        scenario = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioInvalid(f"{path}: {exc}") from exc
    if not isinstance(scenario.get("procedure"), str) or not isinstance(scenario.get("steps"), list):
        raise ScenarioInvalid(f"{path}: a scenario names its procedure and lists its steps")
    for number, step in enumerate(scenario["steps"], 1):
        if not isinstance(step, dict) or step.get("action") not in ACTIONS:
            raise ScenarioInvalid(f"{path}: step {number}: action must be one of {', '.join(ACTIONS)}")
    return scenario


def _local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)


class _Run:
    """One scenario against a database holding the demo organisation and the procedure."""

    def __init__(self, motcua, scenario: dict, frozen):
        from engine.models import User
        self.m, self.scenario, self.clock = motcua, scenario, frozen
        self.key = scenario["procedure"]
        self.dossier_id = None
        with motcua.read_session() as s:
            self.users = {u.username: u.id for u in s.query(User)}

    # -- what the officers do ------------------------------------------------------------
    def _holder(self, session, agency_id: int, role: str) -> int:
        from engine.models import Membership
        row = session.query(Membership).filter_by(agency_id=agency_id, role=role).order_by(Membership.id).first()
        if row is None:
            raise StepFailed(f"nobody holds role {role!r} in the agency of the step", "no_holder", role=role)
        return row.user_id

    def _open_item(self, step_id: str):
        from engine.models import WorkItem
        with self.m.read_session() as s:
            item = s.query(WorkItem).filter_by(dossier_id=self.dossier_id, step_id=step_id, state="open").first()
            if item is None:
                open_now = [i.step_id for i in s.query(WorkItem).filter_by(dossier_id=self.dossier_id, state="open")
                            .order_by(WorkItem.id)] if self.dossier_id is not None else []
                raise StepFailed(f"step {step_id!r} is not open", "not_open", element=step_id,
                                 expected=[step_id], observed=open_now)
            return item.id, item.agency_id, item.role, self._holder(s, item.agency_id, item.role)

    def receive(self, step):
        from engine import commands
        from engine.commands.reception import Applicant
        from engine.models import Agency
        kind = step.get("agency", self.scenario.get("agency", "commune_committee"))
        with self.m.read_session() as s:
            agency = s.query(Agency).filter_by(kind=kind).order_by(Agency.id).first()
            if agency is None:
                raise StepFailed(f"no agency of kind {kind!r}", "no_agency", agency_kind=str(kind))
            actor = self._holder(s, agency.id, "reception")
        dossier = commands.receive(self.m.uow(), actor_id=actor, agency_id=agency.id, procedure_key=self.key,
                                   applicant=Applicant(name=step.get("applicant", "Nguyễn Văn An")),
                                   data=step.get("data") or None)
        self.dossier_id = dossier.id

    def complete(self, step):
        from engine import commands
        item_id, _agency, _role, actor = self._open_item(step["step"])
        commands.claim(self.m.uow(), actor_id=actor, work_item_id=item_id)
        commands.complete(self.m.uow(), actor_id=actor, work_item_id=item_id, data=step.get("data") or {})

    def send_back(self, step):
        from engine import commands
        item_id, _agency, _role, actor = self._open_item(step["step"])
        commands.claim(self.m.uow(), actor_id=actor, work_item_id=item_id)
        commands.send_back(self.m.uow(), actor_id=actor, work_item_id=item_id, reason=step.get("reason", "Trả lại"))

    def wait(self, step):
        from engine.calendar.store import calendar_for
        from engine.calendar.working_time import parse_time_limit
        from engine.models import Dossier
        from engine.scheduler.escalation import sweep_late_dossiers, sweep_steps
        from engine.scheduler.timers import sweep_timers
        for unit in ("working_days", "working_hours", "calendar_days"):
            if unit in step:
                amount = step[unit]
                break
        else:
            raise StepFailed("wait needs working_days, working_hours or calendar_days", "no_wait")
        with self.m.read_session() as s:
            dossier = s.get(Dossier, self.dossier_id)
            calendar = calendar_for(s, dossier.agency)
        if unit == "calendar_days":
            self.clock.current = self.clock.current + timedelta(days=float(amount))
        else:
            limit = parse_time_limit(f"{amount} {unit.replace('_', ' ')}")
            self.clock.current = calendar.deadline(self.clock.current, limit)
        sweep_timers(self.m)
        sweep_steps(self.m.uow())
        sweep_late_dossiers(self.m.uow())

    def partner_reply(self, step):
        from engine.commands.partners import deliver_partner_message
        from engine.models import Partner, PartnerOutbox
        from engine.partners import inbox, signing
        with self.m.read_session() as s:
            sent = (s.query(PartnerOutbox).filter_by(dossier_id=self.dossier_id).order_by(PartnerOutbox.id.desc()).first())
            if sent is None:
                raise StepFailed("nothing was sent to a partner, so there is nothing to reply to", "nothing_sent",
                                 message=str(step.get("message", "")))
            partner = s.get(Partner, sent.partner_id)
            code, key, correlation = partner.code, partner.key, sent.correlation
        body = json.dumps({"message": step["message"], "correlation": correlation, "payload": step.get("data") or {}},
                          ensure_ascii=False, sort_keys=True).encode("utf-8")
        timestamp = str(int(self.clock.current.timestamp()))
        idempotency = f"scenario-{self.dossier_id}-{step['message']}"[:80]
        headers = {signing.PARTNER: code, **signing.signed_headers(our_code=code, key=key, timestamp=timestamp,
                                                                   idempotency_key=idempotency, body=body)}
        answer, inbox_id = inbox.accept(self.m.uow(), headers, body)
        if answer.status != 200 or inbox_id is None:
            reason = answer.body.get("error") or ""
            with self.m.read_session() as s:
                form = self._payload_form(s, step["message"])
            raise StepFailed(f"the partner's reply was refused ({reason})", "partner_refused", reason=reason,
                             message=str(step["message"]), fields=_fields(form, answer.body.get("fields") or {}))
        deliver_partner_message(self.m.uow(), inbox_id)

    # -- what a refusal is about ---------------------------------------------------------
    def step_form(self, step_id: str) -> dict | None:
        """The form of the diagram's step ``step_id`` (to name a refused field by its title)."""
        from engine.models import Dossier
        from engine.runtime.host import procedure_of
        if self.dossier_id is None:
            return None
        with self.m.read_session() as s:
            procedure = procedure_of(s.get(Dossier, self.dossier_id))
            step = procedure.manifest.get("steps", {}).get(step_id) or {}
            return procedure.forms.get(step["form"]) if step.get("form") else None

    def _payload_form(self, session, message: str) -> dict | None:
        from engine.models import Dossier
        from engine.partners.payloads import payload_form
        from engine.runtime.host import procedure_of
        if self.dossier_id is None:
            return None
        procedure = procedure_of(session.get(Dossier, self.dossier_id))
        return payload_form(procedure.manifest, procedure.forms, message)

    # -- what the modeller expects -------------------------------------------------------
    def observe(self, result: StepResult):
        from engine.models import Dossier, Escalation, WorkItem
        if self.dossier_id is None:
            return
        with self.m.read_session() as s:
            dossier = s.get(Dossier, self.dossier_id)
            items = s.query(WorkItem).filter_by(dossier_id=self.dossier_id).order_by(WorkItem.id).all()
            result.status = dossier.status
            result.open = [i.step_id for i in items if i.state == "open"]
            result.done = sorted({i.step_id for i in items if i.state != "open"})
            result.due = dossier.due_at.astimezone(ZONE).strftime("%d/%m/%Y %H:%M") if dossier.due_at else ""
            result.escalations = [e.level for e in s.query(Escalation).filter_by(dossier_id=self.dossier_id)
                                  .order_by(Escalation.id)]
            result.finished = dossier.finished_at is not None

    def check(self, expect: dict, result: StepResult):
        def failed(english: str, kind: str, expected, observed):
            result.failures.append(english)
            result.failure_details.append({"kind": kind, "step": result.number, "element": result.step,
                                           "expected": expected, "observed": observed})

        if "status" in expect and result.status != expect["status"]:
            failed(f"status {result.status}, expected {expect['status']}", "status", expect["status"], result.status)
        if "open" in expect and sorted(result.open) != sorted(expect["open"]):
            failed(f"open steps {result.open}, expected {expect['open']}", "open", list(expect["open"]), result.open)
        if "due" in expect and not result.due.startswith(expect["due"]):
            failed(f"due {result.due or 'none'}, expected {expect['due']}", "due", str(expect["due"]), result.due)
        if "finished" in expect and result.finished != expect["finished"]:
            failed(f"finished is {result.finished}, expected {expect['finished']}", "finished",
                   bool(expect["finished"]), result.finished)
        if "escalations" in expect and sorted(result.escalations) != sorted(expect["escalations"]):
            failed(f"escalations {result.escalations}, expected {expect['escalations']}", "escalations",
                   list(expect["escalations"]), result.escalations)


def _fields(form: dict | None, field_errors: dict) -> list[dict]:
    """A refused form's fields as a page names them: each field's title in Vietnamese and English
    (from the form, the field's key when it has none) and its messages (Vietnamese, as the engine
    writes them; ``messages_en`` with the form's own English texts put in, for the web layer's
    catalogue to translate the rest)."""
    from engine.procedures.form_language import english_errors, in_language
    properties = (form or {}).get("properties") or {}
    english = (in_language(form, "en") or {}).get("properties") or {}
    errors = {str(k): [str(m) for m in v] for k, v in field_errors.items()}
    errors_en = english_errors(form, errors) if form else errors
    return [{"field": name,
             "title": (properties.get(name) or {}).get("title") or "",
             "title_en": (english.get(name) or {}).get("title") or "",
             "messages": messages, "messages_en": errors_en.get(name, messages)}
            for name, messages in errors.items()]


def _label(step: dict) -> str:
    action = step["action"]
    if action == "complete":
        return f"complete {step.get('step')}"
    if action == "send_back":
        return f"send back {step.get('step')}"
    if action == "wait":
        return "wait " + ", ".join(f"{step[u]} {u.replace('_', ' ')}" for u in ("working_days", "working_hours",
                                                                                 "calendar_days") if u in step)
    if action == "partner_reply":
        return f"partner replies {step.get('message')}"
    return "receive"


def run(motcua, scenario: dict) -> ScenarioResult:
    """Run against ``motcua`` (demo organisation and procedure deployed), on a frozen clock."""
    from engine import clock
    from engine.errors import MotcuaError
    frozen = clock.FrozenClock(_local(scenario.get("start", "2026-11-23 09:00")))
    clock.set_clock(frozen)
    result = ScenarioResult(scenario["procedure"])
    try:
        runner = _Run(motcua, scenario, frozen)
        for number, step in enumerate(scenario["steps"], 1):
            outcome = StepResult(number, step["action"], step.get("label") or _label(step), step=str(step.get("step", "")),
                                 message=str(step.get("message", "")), labelled=bool(step.get("label")),
                                 wait={u: step[u] for u in ("working_days", "working_hours", "calendar_days") if u in step})
            result.steps.append(outcome)
            try:
                getattr(runner, step["action"])(step)
            except StepFailed as exc:
                outcome.failures.append(str(exc))
                outcome.failure_details.append({"step": number, "element": outcome.step, **exc.details})
            except MotcuaError as exc:
                fields = getattr(exc, "field_errors", None)
                technical = exc.details.get("technical")  # what a failed script said: for the command line
                outcome.failures.append("refused: " + ("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
                                                        if fields else exc.message("en"))
                                        + (f" ({technical})" if technical else ""))
                form = runner.step_form(outcome.step) if fields and outcome.step else None
                outcome.failure_details.append({"kind": "refused", "step": number, "element": outcome.step,
                                                "message_vi": exc.message("vi"), "message_en": exc.message("en"),
                                                "fields": _fields(form, fields or {})})
            runner.observe(outcome)
            if not outcome.failures:
                runner.check(step.get("expect") or {}, outcome)
            outcome.ok = not outcome.failures
            if not outcome.ok:
                break  # later steps would only repeat the failure
    finally:
        clock.reset_clock()
    return result


def run_file(path: Path | str, *, bpmn_xml: str | None = None, forms: dict | None = None) -> ScenarioResult:
    """Run a scenario in a throwaway SQLite database: the demo organisation, then the procedure
    (the shipped file, or ``bpmn_xml`` for a draft) deployed."""
    from engine import migrate
    from engine.bootstrap import Motcua
    from engine.config import Settings
    from engine.demo import load_demo
    from engine.errors import ProcedureInvalid
    from engine.procedures.checker import check_content
    from engine.procedures.registry import deploy
    scenario = load(path)
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="motcua-scenario-") as tmp:
        m = Motcua(Settings(database_url=f"sqlite:///{tmp}/scenario.sqlite", bpmn_dir=Path(tmp),
                            forms_dir=settings.forms_dir))
        try:
            migrate.upgrade(m.db)
            load_demo(m.uow(), Path(tmp), settings.forms_dir)  # the organisation; no procedure yet
            source = bpmn_xml
            if source is None:
                source = (settings.bpmn_dir / f"{scenario['procedure']}.bpmn").read_text(encoding="utf-8")
            try:
                checked = check_content(source.encode("utf-8"), f"{scenario['procedure']}.bpmn", settings.forms_dir,
                                        extra_forms=forms)
            except ProcedureInvalid as exc:
                return ScenarioResult(scenario["procedure"], error="; ".join(str(p) for p in exc.problems),
                                      problems=[{"element": p.element_id, "message": p.message, "message_vi": p.message_vi}
                                                for p in exc.problems])
            with m.uow() as uow:
                deploy(uow, [checked], deployed_by="scenario")
                uow.commit()
            return run(m, scenario)
        finally:
            m.dispose()


def report(result: ScenarioResult) -> str:
    lines = [f"{result.procedure}: {'OK' if result.ok else 'FAILED'}"]
    if result.error:
        lines.append(f"  cannot run: {result.error}")
    for s in result.steps:
        mark = "ok" if s.ok else "FAILED"
        lines.append(f"  {s.number}. {s.label}: {mark} (status {s.status}, open {', '.join(s.open) or '-'}"
                     f"{', due ' + s.due if s.due else ''}{', escalations ' + ', '.join(s.escalations) if s.escalations else ''})")
        lines.extend(f"     - {f}" for f in s.failures)
    return "\n".join(lines)


def main(argv=None) -> int:
    """``python -m engine.scenarios FILE [--json] [--bpmn DRAFT.bpmn] [--forms FORMS.json]``: what
    the web app runs, in a process of its own (the scenario moves the engine's clock)."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    args = [a for a in args if a != "--json"]
    bpmn = forms = None
    if "--bpmn" in args:
        i = args.index("--bpmn")
        bpmn = Path(args[i + 1]).read_text(encoding="utf-8")
        del args[i:i + 2]
    if "--forms" in args:
        i = args.index("--forms")
        forms = json.loads(Path(args[i + 1]).read_text(encoding="utf-8"))
        del args[i:i + 2]
    try:
        result = run_file(args[0], bpmn_xml=bpmn, forms=forms)
    except ScenarioInvalid as exc:
        result = ScenarioResult("", error=str(exc))
    print(json.dumps(result.as_dict(), ensure_ascii=False) if as_json else report(result))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
