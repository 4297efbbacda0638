"""Procedure scenarios: try a procedure before citizens do.

A scenario file (TOML, one per procedure, in workflows/scenarios/) lists dossiers and what happens
to each, step by step, with what must be true after each step. ``run_file`` plays every scenario
on a fresh database holding the demo organisation and every shipped procedure, through the same
commands officers and the scheduler use, with the engine's clock moved in working days; nothing
is mocked and nothing touches a real database. docs/SCENARIOS.md describes the format.

    procedure = "dang_ky_ket_hon"          # the procedure's key (the process or collaboration id)
    start = 2026-11-23T09:00:00+07:00      # when the first dossier is received
    [[scenario]]
    name = "Đủ điều kiện, trả đúng hạn"
    [[scenario.step]]
    do = "receive"                         # receive · complete · send_back · ask_supplement ·
    as = "tiepnhan"                        # record_supplement · partner_reply · wait
    applicant = { name = "Nguyễn Văn An" }
    expect = { status = 2, open = ["appraise"] }
"""
from __future__ import annotations

import hashlib
import json
import tempfile
import tomllib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine import clock
from engine.errors import MotcuaError

ACTIONS = ("receive", "complete", "send_back", "ask_supplement", "record_supplement", "partner_reply", "wait")
EXPECTATIONS = ("status", "open", "due", "verdict", "escalations", "failure")


class ScenarioInvalid(Exception):
    """The scenario file itself is wrong (not the procedure): says where and what."""


@dataclass
class StepOutcome:
    number: int
    action: str
    ok: bool
    status: int | None = None
    open_steps: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        mark = "✓" if self.ok else "✗"
        state = f"trạng thái {self.status}, đang mở: {', '.join(self.open_steps) or '—'}"
        text = f"  {mark} {self.number}. {self.action} → {state}"
        return text + "".join(f"\n      ✗ {p}" for p in self.problems)


@dataclass
class ScenarioOutcome:
    procedure: str
    name: str
    steps: list[StepOutcome] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and all(s.ok for s in self.steps)

    def report(self) -> str:
        head = f"{'✓' if self.ok else '✗'} {self.procedure}: {self.name}"
        lines = [head] + [s.line() for s in self.steps]
        if self.error:
            lines.append(f"  ✗ {self.error}")
        return "\n".join(lines)


def load(path: Path) -> dict:
    try:
        spec = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioInvalid(f"{path}: không đọc được tệp kịch bản ({exc})") from None
    for key in ("procedure", "start", "scenario"):
        if key not in spec:
            raise ScenarioInvalid(f"{path}: thiếu khóa '{key}'")
    if not isinstance(spec["start"], datetime) or spec["start"].tzinfo is None:
        raise ScenarioInvalid(f"{path}: 'start' phải là thời điểm có múi giờ, ví dụ 2026-11-23T09:00:00+07:00")
    for s, scenario in enumerate(spec["scenario"], 1):
        for n, step in enumerate(scenario.get("step", []), 1):
            where = f"{path}: kịch bản {s}, bước {n}"
            if step.get("do") not in ACTIONS:
                raise ScenarioInvalid(f"{where}: 'do' phải là một trong {', '.join(ACTIONS)}")
            unknown = set(step.get("expect", {})) - set(EXPECTATIONS)
            if unknown:
                raise ScenarioInvalid(f"{where}: không biết điều kiện {', '.join(sorted(unknown))}")
    return spec


def run_file(path: Path, *, bpmn_dir: Path, forms_dir: Path) -> list[ScenarioOutcome]:
    spec = load(path)
    return [_run(spec, scenario, bpmn_dir, forms_dir) for scenario in spec["scenario"]]


def _run(spec: dict, scenario: dict, bpmn_dir: Path, forms_dir: Path) -> ScenarioOutcome:
    from engine import migrate
    from engine.bootstrap import Motcua
    from engine.config import Settings
    from engine.demo import load_demo
    from engine.runtime.host import SPEC_CACHE

    outcome = ScenarioOutcome(spec["procedure"], scenario.get("name", "(không tên)"))
    previous = clock._now  # put back afterwards: a test may have its own clock running
    fake = clock.FrozenClock(spec["start"])
    clock.set_clock(fake)
    with tempfile.TemporaryDirectory(prefix="motcua-scenario-") as folder:
        motcua = Motcua(Settings(database_url=f"sqlite:///{folder}/scenario.sqlite", bpmn_dir=bpmn_dir,
                                 forms_dir=forms_dir, portal_url="", smtp_host=""))
        try:
            SPEC_CACHE.clear()  # a fresh database restarts its version ids
            migrate.upgrade(motcua.db)
            load_demo(motcua.uow(), bpmn_dir, forms_dir)
            play = _Play(motcua, spec, fake)
            for number, step in enumerate(scenario.get("step", []), 1):
                result = play.step(number, step)
                outcome.steps.append(result)
                if not result.ok:
                    break
        except ScenarioInvalid as exc:
            outcome.error = str(exc)
        finally:
            motcua.dispose()
            clock.set_clock(previous)
    return outcome


class _Play:
    """One scenario's dossier, moved through the engine's commands."""

    def __init__(self, motcua, spec: dict, fake_clock):
        from engine.models import Agency, User
        self.motcua, self.spec, self.clock = motcua, spec, fake_clock
        with motcua.read_session() as s:
            self.users = {u.username: u.id for u in s.execute(select(User)).scalars()}
            self.agencies = {a.code: a for a in s.execute(select(Agency)).scalars()}
        self.dossier_id: int | None = None

    def step(self, number: int, step: dict) -> StepOutcome:
        action = step["do"]
        label = action + (f" {step['step']}" if step.get("step") else "") + (f" ({step['as']})" if step.get("as") else "")
        try:
            getattr(self, "_" + action)(step)
        except MotcuaError as exc:
            status, open_steps = self._state()
            return StepOutcome(number, label, False, status, open_steps,
                               [f"hệ thống từ chối: {exc.message('vi')}"])
        status, open_steps = self._state()
        problems = self._check(step.get("expect", {}), status, open_steps)
        return StepOutcome(number, label, not problems, status, open_steps, problems)

    # -- actions ------------------------------------------------------------------------------

    def _user(self, step) -> int:
        name = step.get("as")
        if name not in self.users:
            raise ScenarioInvalid(f"không có cán bộ '{name}' trong tổ chức thử (engine/demo.py)")
        return self.users[name]

    def _receive(self, step) -> None:
        from engine import commands
        from engine.commands.reception import Applicant
        from engine.models import Membership
        from engine.procedures.metadata import required_documents
        actor = self._user(step)
        with self.motcua.read_session() as s:
            agency_id = s.execute(select(Membership.agency_id).where(
                Membership.user_id == actor, Membership.role == "reception")).scalars().first()
        applicant = Applicant(**{"name": "Công dân thử", **step.get("applicant", {})})
        procedure = self.spec["procedure"]
        checklist = step.get("documents")
        if checklist is None:  # the counter ticks every required document, as for a complete dossier
            from engine.models import Procedure, ProcedureVersion
            with self.motcua.read_session() as s:
                version = s.execute(select(ProcedureVersion).join(Procedure).where(Procedure.key == procedure)
                                    .order_by(ProcedureVersion.number.desc()).limit(1)).scalar_one_or_none()
                if version is None:
                    raise ScenarioInvalid(f"thủ tục '{procedure}' chưa được triển khai")
                checklist = [d.name for d in required_documents(version.manifest)]
        dossier = commands.receive(self.motcua.uow(), actor_id=actor, agency_id=agency_id, procedure_key=procedure,
                                   applicant=applicant, data=step.get("data"), checklist=checklist)
        self.dossier_id = dossier.id

    def _item(self, step) -> int:
        from engine.models import WorkItem
        with self.motcua.read_session() as s:
            item = s.execute(select(WorkItem.id).where(WorkItem.dossier_id == self._dossier(),
                                                       WorkItem.state == "open",
                                                       WorkItem.step_id == step.get("step"))).scalar()
        if item is None:
            raise ScenarioInvalid(f"bước '{step.get('step')}' không đang mở")
        return item

    def _claimed(self, step) -> tuple[int, int]:
        from engine import commands
        actor, item = self._user(step), self._item(step)
        commands.claim(self.motcua.uow(), actor_id=actor, work_item_id=item)
        return actor, item

    def _complete(self, step) -> None:
        from engine import commands
        actor, item = self._claimed(step)
        commands.complete(self.motcua.uow(), actor_id=actor, work_item_id=item, data=step.get("data", {}))

    def _send_back(self, step) -> None:
        from engine import commands
        actor, item = self._claimed(step)
        commands.send_back(self.motcua.uow(), actor_id=actor, work_item_id=item,
                           reason=step.get("reason", "Trả lại theo kịch bản thử."))

    def _ask_supplement(self, step) -> None:
        from engine.commands.supplements import request_supplement
        actor, item = self._claimed(step)
        request_supplement(self.motcua.uow(), actor_id=actor, work_item_id=item,
                           missing=step.get("missing", ["Giấy tờ bổ sung"]),
                           reason=step.get("reason", "Bổ sung theo kịch bản thử."))

    def _record_supplement(self, step) -> None:
        from engine.commands.supplements import record_supplement
        actor, item = self._claimed(step)
        record_supplement(self.motcua.uow(), actor_id=actor, work_item_id=item,
                          received=step.get("received", ["Giấy tờ bổ sung"]))

    def _partner_reply(self, step) -> None:
        """The partner agency's answer, signed with its key and taken by the same code as our
        partner endpoint takes it over HTTP."""
        from engine.commands.partners import deliver_partner_message
        from engine.models import Dossier, Partner
        from engine.partners import inbox
        from engine.partners.signing import signed_headers
        with self.motcua.read_session() as s:
            partner = s.execute(select(Partner).where(Partner.code == step.get("partner"))).scalar_one_or_none()
            code = s.get(Dossier, self._dossier()).code
        if partner is None:
            raise ScenarioInvalid(f"không có đối tác '{step.get('partner')}' trong tổ chức thử")
        body = json.dumps({"message": step.get("message"), "correlation": code, "payload": step.get("data", {})},
                          ensure_ascii=False, sort_keys=True).encode("utf-8")
        key = hashlib.sha256(uuid.uuid4().bytes).hexdigest()[:32]
        headers = signed_headers(our_code=partner.code, key=partner.key, timestamp=str(int(clock.now().timestamp())),
                                 idempotency_key=key, body=body)
        answer, inbox_id = inbox.accept(self.motcua.uow(), headers, body)
        if inbox_id is None:
            raise ScenarioInvalid(f"đối tác {partner.code}: thư bị từ chối ({answer.body.get('error')})")
        deliver_partner_message(self.motcua.uow(), inbox_id)

    def _wait(self, step) -> None:
        """Time passes on the receiving agency's working calendar; each hour the scheduler fires
        BPMN timers and escalations. Partner messages stay in the outbox: the scenario plays the
        partner (``partner_reply``), and nothing leaves this machine."""
        from engine.calendar.store import calendar_for
        from engine.calendar.working_time import parse_time_limit
        from engine.models import Dossier
        from engine.scheduler.escalation import sweep_late_dossiers, sweep_steps
        from engine.scheduler.timers import sweep_timers
        with self.motcua.read_session() as s:
            calendar = calendar_for(s, s.get(Dossier, self._dossier()).agency)
        if "working_days" in step:
            until = calendar.deadline(clock.now(), parse_time_limit(f"{step['working_days']} working days"))
        else:
            until = clock.now() + timedelta(days=step.get("days", 0), hours=step.get("hours", 0))
        while clock.now() < until:
            self.clock.advance(min(timedelta(hours=1), until - clock.now()))
            sweep_timers(self.motcua)
            sweep_steps(self.motcua.uow())
            sweep_late_dossiers(self.motcua.uow())

    # -- state and expectations ---------------------------------------------------------------

    def _dossier(self) -> int:
        if self.dossier_id is None:
            raise ScenarioInvalid("chưa có hồ sơ: bước đầu tiên phải là 'receive'")
        return self.dossier_id

    def _state(self) -> tuple[int | None, list[str]]:
        from engine.models import Dossier, WorkItem
        if self.dossier_id is None:
            return None, []
        with self.motcua.read_session() as s:
            status = s.get(Dossier, self.dossier_id).status
            steps = s.execute(select(WorkItem.step_id).where(WorkItem.dossier_id == self.dossier_id,
                                                            WorkItem.state == "open").order_by(WorkItem.id)).scalars()
            return status, list(steps)

    def _check(self, expect: dict, status, open_steps) -> list[str]:
        from engine.models import Dossier, Escalation
        from engine.statistics.verdict import verdict
        problems = []
        if "status" in expect and expect["status"] != status:
            problems.append(f"trạng thái {status}, kịch bản chờ {expect['status']}")
        if "open" in expect and sorted(expect["open"]) != sorted(open_steps):
            problems.append(f"bước đang mở {open_steps}, kịch bản chờ {expect['open']}")
        with self.motcua.read_session() as s:
            dossier = s.get(Dossier, self._dossier())
            zone = ZoneInfo(dossier.agency.timezone)
            if "due" in expect:
                due = dossier.due_at.astimezone(zone).strftime("%d/%m/%Y %H:%M") if dossier.due_at else "không có"
                if due != expect["due"]:
                    problems.append(f"hạn trả {due}, kịch bản chờ {expect['due']}")
            if "verdict" in expect:
                got = verdict(status=dossier.status, finished_at=dossier.finished_at,
                              original_due_at=dossier.original_due_at, supplement_count=dossier.supplement_count,
                              timezone=dossier.agency.timezone, at=clock.now())
                if got != expect["verdict"]:
                    problems.append(f"thống kê xếp '{got}', kịch bản chờ '{expect['verdict']}'")
            if "escalations" in expect:
                levels = sorted(s.execute(select(Escalation.level).where(Escalation.dossier_id == dossier.id)).scalars())
                if levels != sorted(expect["escalations"]):
                    problems.append(f"cảnh báo {levels}, kịch bản chờ {sorted(expect['escalations'])}")
            if "failure" in expect and bool(dossier.failure) != bool(expect["failure"]):
                problems.append(f"lỗi xử lý: {dossier.failure or 'không'}")
        return problems
