"""Statistics by unit against a table worked out by hand (issue 11, point 2: "by agency and its
units").

Sixteen steps of the demo commune (tests/statistics_step_cases.py) in its units' lanes: carried
over from October, early, on time on the due day and at the due instant, late by one minute and
later the due day, cancelled when the dossier was withdrawn, open within time, overdue, done only
in December, without a time limit, one before and one after November; then a unit removed, whose
lane's steps are counted under "no unit". The expected figures are counted by hand in the comments.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine import commands
from engine.commands import units as unit_commands
from engine.errors import NotFound
from engine.models import Agency, WorkItem
from engine.statistics import Period
from engine.statistics.steps import NO_UNIT, STEP_FIGURES, figures_by_unit, step_verdict, steps_in, units_of
from engine.statistics.tables import reader_of, unit_drill_down, unit_table
from tests.statistics_cases import at
from tests.statistics_step_cases import write_steps

NOVEMBER = Period.month(2026, 11)


@pytest.fixture
def steps(demo):
    return write_steps(demo)


def by_code(table):
    return {(unit.code if unit else None): f for unit, f in table.rows}


def row(f):
    return [f[name] for name in STEP_FIGURES]


def test_november_by_unit_as_counted_by_hand(demo, steps):
    with demo.motcua.read_session() as s:
        table = unit_table(s, reader_of(s, demo.users["lanhdao"], [demo.commune]), NOVEMBER, now=at(5, month=12))
    units = by_code(table)
    # The commune's units by code; every lane has a unit, so no "no unit" row.
    assert list(units) == ["LD", "MC", "TPHT", "VP"]
    # received, carried over, new, early, on time, late, cancelled, within time, overdue, no limit
    # MC: R1-R5; R1 from October (early), R2 on time, R3 late, R5 cancelled, R4 still open.
    assert row(units["MC"]) == [5, 1, 4, 1, 1, 1, 1, 1, 0, 0]
    # TPHT: T1 (October, open, overdue) T2 on time, T3 late, T4 early, T5 done in December (overdue
    # on 30/11), T7 no time limit; T6 arrived in December.
    assert row(units["TPHT"]) == [6, 1, 5, 1, 1, 1, 0, 0, 2, 1]
    assert row(units["LD"]) == [2, 0, 2, 0, 1, 0, 0, 1, 0, 0]  # L1 on time at the due instant; L2 open
    assert row(units["VP"]) == [1, 0, 1, 1, 0, 0, 0, 0, 0, 0]  # V1, the supervisor's lane
    assert row(table.total) == [14, 2, 12, 3, 3, 2, 1, 2, 2, 1]
    # In-time share: (early + on time + within time) ÷ (finished + open); cancelled and no limit apart.
    assert units["MC"].on_time_share == pytest.approx(3 / 4)
    assert units["TPHT"].on_time_share == pytest.approx(2 / 5)
    assert units["VP"].on_time_share == 1
    assert table.total.on_time_share == pytest.approx(8 / 12)


def test_during_the_month_a_step_is_judged_as_it_stood(demo, steps):
    """On 10/11 at noon: R5 was not cancelled yet (within time), T3 not done and past its 10:00
    due (overdue), L1 not arrived."""
    with demo.motcua.read_session() as s:
        units = figures_by_unit(s, NOVEMBER, demo.commune, now=at(10, 12))
    mc, tpht = units[unit_id(demo, "MC")], units[unit_id(demo, "TPHT")]
    assert row(mc) == [4, 1, 3, 1, 1, 1, 0, 1, 0, 0]
    assert row(tpht) == [3, 1, 2, 0, 1, 0, 0, 0, 2, 0]
    assert unit_id(demo, "LD") not in units


def unit_id(demo, code):
    with demo.motcua.read_session() as s:
        return next(u.id for u in units_of(s, [demo.commune]) if u.code == code)


@pytest.mark.parametrize("now", [at(5, month=12), at(30, 12), at(10, 12), at(5, 17), at(5, 17, 1)],
                         ids=["after", "last-day", "mid-month", "at-R3-due", "R3-late"])
def test_each_figure_lists_the_steps_it_counts(demo, steps, now):
    with demo.motcua.read_session() as s:
        counted = figures_by_unit(s, NOVEMBER, demo.commune, now=now)
        for unit, f in counted.items():
            listed = {name: len(steps_in(s, NOVEMBER, demo.commune, name, unit_id=unit, now=now))
                      for name in STEP_FIGURES}
            assert {name: f[name] for name in STEP_FIGURES} == listed
    assert sum(f["received"] for f in counted.values()) > 0


def test_the_drill_down_names_the_dossiers_and_officers(demo, steps):
    with demo.motcua.read_session() as s:
        commune = reader_of(s, demo.users["lanhdao"], [demo.commune])
        late = unit_drill_down(s, commune, NOVEMBER, "late", now=at(5, month=12))
        overdue = steps_in(s, NOVEMBER, demo.commune, "overdue", now=at(5, month=12))
        supervision = steps_in(s, NOVEMBER, demo.commune, "received", unit_id=unit_id(demo, "VP"), now=at(5, month=12))
    assert late.total == 2 and [(r.step_name, r.dossier_code, r.finished_by) for r in late.rows] == [
        ("Bước R3", "N2", "Nguyễn Thị Hoa"), ("Bước T3", "N3", "Lê Thị Thu")]
    assert [r.step_name for r in overdue] == ["Bước T1", "Bước T5"]
    assert [r.step_name for r in supervision] == ["Bước V1"]
    with pytest.raises(ValueError):
        steps_in(None, NOVEMBER, demo.commune, "everything")


def test_a_leader_reads_only_their_agencys_units(demo, steps):
    with demo.motcua.read_session() as s, pytest.raises(NotFound):
        reader_of(s, demo.users["lanhdao"], [demo.police])
    with demo.motcua.read_session() as s, pytest.raises(NotFound):
        reader_of(s, demo.users["chuyenvien"], [demo.commune])  # a specialist reads no statistics
    with demo.motcua.read_session() as s:
        police = unit_table(s, reader_of(s, demo.users["admin"], [demo.police]), NOVEMBER)
    assert [u.code for u, _f in police.rows] == ["CT"] and police.total["received"] == 0


def test_a_lane_without_a_unit_is_counted_apart_and_units_follow_their_lanes(demo, steps):
    """The unit a step belongs to is read from the lanes as they are now. The office (VP) is
    removed: V1 is counted under "no unit"; the leadership (LD) takes the supervisor's lane: V1 is
    counted there. The total never changes."""
    admin, now = demo.users["admin"], at(5, month=12)
    unit_commands.delete_unit(demo.motcua.uow(), actor_id=admin, unit_id=unit_id(demo, "VP"))
    with demo.motcua.read_session() as s:
        table = unit_table(s, reader_of(s, admin, [demo.commune]), NOVEMBER, now=now)
        apart = steps_in(s, NOVEMBER, demo.commune, "early", unit_id=NO_UNIT, now=now)
    assert list(by_code(table)) == ["LD", "MC", "TPHT", None]
    assert row(by_code(table)[None]) == [1, 0, 1, 1, 0, 0, 0, 0, 0, 0]
    assert [r.step_name for r in apart] == ["Bước V1"] and table.total["received"] == 14
    unit_commands.update_unit(demo.motcua.uow(), actor_id=admin, unit_id=unit_id(demo, "LD"), code="LD",
                              name="Lãnh đạo UBND xã", name_en="Commune leadership", roles=["leader", "supervisor"])
    with demo.motcua.read_session() as s:
        table = unit_table(s, reader_of(s, admin, [demo.commune]), NOVEMBER, now=now)
    assert list(by_code(table)) == ["LD", "MC", "TPHT"]
    assert row(by_code(table)["LD"]) == [3, 0, 3, 1, 1, 0, 0, 1, 0, 0] and table.total["received"] == 14


def kept_and_judged(demo):
    """Each ended step's kept class, and its class judged by ``step_verdict`` at its end."""
    with demo.motcua.read_session() as s:
        zones = dict(s.execute(select(Agency.id, Agency.timezone)).all())
        return [(w.step_id, w.outcome, step_verdict(state=w.state, finished_at=w.finished_at, due_at=w.due_at,
                                                     timezone=zones[w.agency_id], at=w.finished_at))
                for w in s.query(WorkItem).filter(WorkItem.finished_at.is_not(None)).order_by(WorkItem.id)]


def test_a_step_keeps_the_class_it_ended_with(demo, steps):
    """Kept when written (the hand-counted steps): the class ``step_verdict`` gives at its end."""
    kept = kept_and_judged(demo)
    assert len(kept) == 12 and all(outcome == judged for _step, outcome, judged in kept)
    assert {outcome for _step, outcome, _judged in kept} == {"early", "on_time", "late", "cancelled", "no_time_limit"}
    with demo.motcua.read_session() as s:
        assert s.query(WorkItem).filter(WorkItem.finished_at.is_(None), WorkItem.outcome.is_not(None)).count() == 0


def test_the_commands_keep_the_class_of_the_steps_they_end(demo, frozen_clock):
    """A birth registration's steps, the last one at the police (another agency), whose lanes
    declare no time limit; a marriage registration appraised on the day it arrived (early: due in
    two working days), approved a week later (late: due in one); another withdrawn while its
    appraisal is open (cancelled): each step keeps the class it ended with."""
    from tests import test_commands, test_lien_thong_khai_sinh as birth
    born = birth.receive(demo)
    birth.through_committee(demo, frozen_clock, born.id)  # Monday 23/11, 10:00 to 14:30
    birth.Officer(demo, "congan").take_and_complete(born.id, birth.REGISTER, expect_step="register_residence")
    marriage = test_commands.receive(demo)
    test_commands.claim(demo, "chuyenvien", test_commands.item_of(demo, marriage.id))
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"],
                      work_item_id=test_commands.item_of(demo, marriage.id).id, data=test_commands.APPRAISAL)
    frozen_clock.advance(timedelta(days=7))
    birth.Officer(demo, "lanhdao").take_and_complete(marriage.id, {"decision": "approve", "leader_opinion": "Đồng ý."},
                                                     expect_step="approve")
    withdrawn = test_commands.receive(demo, name="Trần Văn Chín")
    commands.withdraw(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=withdrawn.id,
                      reason="Công dân rút hồ sơ.")
    kept = kept_and_judged(demo)
    assert [(step, outcome) for step, outcome, _judged in kept] == [
        ("appraise", "no_time_limit"), ("approve", "no_time_limit"), ("record_birth", "no_time_limit"),
        ("register_residence", "no_time_limit"), ("appraise", "early"), ("approve", "late"), ("appraise", "cancelled")]
    assert all(outcome == judged for _step, outcome, judged in kept)


def test_steps_ended_without_their_class_kept_are_judged_all_the_same(demo, steps):
    """Steps written by SQL of their own (a bulk load) have no kept class: the table judges them
    one by one, by the same rule, and shows the same figures."""
    now = at(5, month=12)
    with demo.motcua.read_session() as s:
        kept = figures_by_unit(s, NOVEMBER, demo.commune, now=now)
    with demo.motcua.uow() as uow:
        uow.session.execute(update(WorkItem).where(WorkItem.step_id.in_(["Step_R1", "Step_T3", "Step_R5"]))
                            .values(outcome=None))
        uow.commit()
    with demo.motcua.read_session() as s:
        judged = figures_by_unit(s, NOVEMBER, demo.commune, now=now)
    assert {unit: row(f) for unit, f in judged.items()} == {unit: row(f) for unit, f in kept.items()}
    assert row(judged[unit_id(demo, "MC")]) == [5, 1, 4, 1, 1, 1, 1, 1, 0, 0]
