"""How much PostgreSQL grows per dossier of a 20-step procedure, against the size of its state.

    .venv/bin/python bench/state_growth.py [--postgres-url URL] [--dossiers 200]

A procedure of 20 sequential human steps (generated, one lane, one form) is deployed; then
``--dossiers`` dossiers are received and taken through the 20 steps, round-robin (step 1 of every
dossier, then step 2 of every dossier, …) as many officers working at once would, each step a
claim and a complete in their own transactions. Autovacuum runs as the server is configured.

Printed: the on-disk size (heap + TOAST + indexes, ``pg_total_relation_size``) of the tables that
hold the dossier and its workflow state before and after, per dossier, against the final state's
length (JSON text) and its stored size (``pg_column_size``, compressed). The other tables the
commands write (work items, audit) are shown for the whole picture. The script only reads table
names, so it also runs against older code (before the state had its own table) for comparison.

Drops and recreates the ``public`` schema of the database it is given.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _harness import (
    DEFAULT_POSTGRES, FORMS_DIR, database_url, demo_people, fresh_database, machine_line, print_table,
)
from sqlalchemy import select, text

STEPS = 20
STATE_TABLES = ("dossiers", "dossier_states", "workflow_archive")
OTHER_TABLES = ("work_items", "audit_events")
FORM = "ket_hon_tham_dinh.json"
DATA = {"conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Đủ điều kiện, đề nghị chuyển bước sau."}


def twenty_steps_bpmn(steps: int = STEPS) -> str:
    """A procedure of ``steps`` human steps in a row, in the specialist lane."""
    tasks, flows, refs = [], [], ["start", "end"]
    previous = "start"
    for n in range(1, steps + 1):
        step = f"step_{n:02d}"
        refs.append(step)
        flows.append(f'<bpmn:sequenceFlow id="f_{n}" sourceRef="{previous}" targetRef="{step}" />')
        tasks.append(f"""<bpmn:userTask id="{step}" name="Bước {n}"><bpmn:extensionElements><spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="{FORM}" /></spiffworkflow:properties></bpmn:extensionElements>
          <bpmn:incoming>f_{n}</bpmn:incoming><bpmn:outgoing>f_{n + 1}</bpmn:outgoing></bpmn:userTask>""")
        previous = step
    flows.append(f'<bpmn:sequenceFlow id="f_{steps + 1}" sourceRef="{previous}" targetRef="end" />')
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d20" targetNamespace="http://motcua.vn/bench">
  <bpmn:process id="bench_20_steps" name="Thủ tục 20 bước" isExecutable="true">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="timeLimit" value="20 working days" />
      <spiffworkflow:property name="receivedBy" value="commune_committee" />
    </spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="specialist">{''.join(f'<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>' for r in refs)}</bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f_1</bpmn:outgoing></bpmn:startEvent>
    {''.join(tasks)}
    <bpmn:endEvent id="end"><bpmn:incoming>f_{steps + 1}</bpmn:incoming></bpmn:endEvent>
    {''.join(flows)}
  </bpmn:process>
</bpmn:definitions>
"""


def sizes(motcua, tables) -> dict[str, int]:
    with motcua.db.connect() as conn:
        return {t: conn.execute(text("SELECT coalesce(pg_total_relation_size(to_regclass(:t)), 0)"), {"t": t}).scalar()
                for t in tables}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES,
                        help="PostgreSQL database to use; its public schema is dropped and rebuilt")
    parser.add_argument("--dossiers", type=int, default=200)
    args = parser.parse_args()

    from engine import commands
    from engine.commands.reception import Applicant
    from engine.models import WorkItem
    from engine.procedures.registry import check_and_deploy

    print(machine_line())
    motcua = fresh_database(database_url("postgres", args.postgres_url))
    path = Path(tempfile.mkdtemp(prefix="motcua-bench-")) / "bench_20_steps.bpmn"
    path.write_text(twenty_steps_bpmn(), encoding="utf-8")
    with motcua.uow() as uow:
        check_and_deploy(uow, [path], FORMS_DIR)
        uow.commit()
    users, commune = demo_people(motcua)
    with motcua.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    before = sizes(motcua, STATE_TABLES + OTHER_TABLES)

    started = time.perf_counter()
    dossiers = [commands.receive(motcua.uow(), actor_id=users["tiepnhan"], agency_id=commune,
                                 procedure_key="bench_20_steps", applicant=Applicant(name=f"Nguyễn Văn {n}")).id
                for n in range(args.dossiers)]
    officer = users["chuyenvien"]
    for _step in range(STEPS):
        with motcua.read_session() as s:
            items = dict(s.execute(select(WorkItem.dossier_id, WorkItem.id).where(WorkItem.state == "open")).all())
        for dossier_id in dossiers:
            commands.claim(motcua.uow(), actor_id=officer, work_item_id=items[dossier_id])
            commands.complete(motcua.uow(), actor_id=officer, work_item_id=items[dossier_id], data=dict(DATA))
    elapsed = time.perf_counter() - started
    after = sizes(motcua, STATE_TABLES + OTHER_TABLES)

    with motcua.db.connect() as conn:
        table = "dossier_states" if after["dossier_states"] else "dossiers"
        column = "state" if table == "dossier_states" else "workflow_state"
        text_len, stored = conn.execute(text(f"SELECT avg(octet_length({column})), avg(pg_column_size({column})) "
                                             f"FROM {table}")).one()
        finished = conn.execute(text("SELECT count(*) FROM dossiers WHERE finished_at IS NOT NULL")).scalar()
    assert finished == args.dossiers, f"{finished} of {args.dossiers} dossiers finished"
    n = args.dossiers
    rows = [[t, before[t] / 1024, after[t] / 1024, (after[t] - before[t]) / n / 1024] for t in STATE_TABLES + OTHER_TABLES
            if before[t] or after[t]]
    growth = sum(after[t] - before[t] for t in STATE_TABLES) / n
    print_table(f"{n} dossiers × {STEPS} steps (claim + complete each) in {elapsed:.0f} s; sizes in KB",
                ["table (heap + TOAST + indexes)", "before", "after", "growth per dossier"], rows)
    print(f"\nfinal state per dossier: {float(text_len) / 1024:.1f} KB of JSON, stored {float(stored) / 1024:.1f} KB "
          f"({table}.{column})")
    print(f"growth of the dossier and state tables per dossier: {growth / 1024:.1f} KB = "
          f"{growth / float(text_len):.2f}× the state's JSON")
    motcua.dispose()
    print("\n" + machine_line("at the end"))


if __name__ == "__main__":
    main()
