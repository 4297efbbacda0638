"""`motcua procedure …`: what the procedures page does, from the command line, with the same
checks (engine/commands/procedures.py): only a modeller publishes; administrators and
modellers retire, reinstate and roll back. ``--as`` names the user acting."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from engine.bootstrap import Motcua
from engine.config import Settings
from engine.errors import MotcuaError, ProcedureInvalid


def _actor(m: Motcua, username: str) -> int:
    from engine.models import User
    with m.read_session() as s:
        user_id = s.execute(select(User.id).where(User.username == username)).scalar_one_or_none()
    if user_id is None:
        raise click.ClickException(f"There is no user named “{username}”: give --as the username of an existing "
                                   "account.")
    return user_id


def _run(action):
    try:
        return action()
    except ProcedureInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("Nothing was published: correct the problems above and publish the file again.", err=True)
        sys.exit(1)
    except MotcuaError as exc:
        fields = getattr(exc, "field_errors", None)
        detail = "; ".join(m for ms in fields.values() for m in ms) if fields else exc.message("en")
        click.echo(f"Refused: {detail}", err=True)
        sys.exit(1)


@click.group()
def procedure():
    """Publish, retire, reinstate and roll back procedures (as on the procedures page)."""


@procedure.command()
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--as", "username", required=True, help="The modeller publishing.")
@click.option("--note", default="", help="What changed, in words (kept with the version).")
@click.option("--forms", "forms_dir", type=click.Path(path_type=Path), default=None)
def publish(path, username, note, forms_dir):
    """Validate FILE and publish it as the procedure's new version (new dossiers start it)."""
    from engine.commands.procedures import publish as publish_command
    m = Motcua(Settings())
    actor = _actor(m, username)
    xml = path.read_text(encoding="utf-8")
    version, warnings = _run(lambda: publish_command(m.uow(), actor_id=actor, bpmn_xml=xml, note=note,
                                                     forms_dir=forms_dir or m.settings.forms_dir, filename=str(path)))
    for warning in warnings:
        click.echo(str(warning), err=True)
    key = version.procedure.key
    click.echo(f"Version {version.number} of {key} is published: new dossiers of {key} start it, open dossiers "
               "finish on their own version.")


@procedure.command()
@click.argument("key")
@click.option("--as", "username", required=True)
@click.option("--reason", required=True, help="Why it stops taking dossiers.")
def retire(key, username, reason):
    """No new dossiers for KEY; the open ones finish on their version."""
    from engine.commands.procedures import retire as retire_command
    m = Motcua(Settings())
    _run(lambda: retire_command(m.uow(), actor_id=_actor(m, username), procedure_key=key, reason=reason))
    click.echo(f"{key} is retired: it takes no new dossiers, and its open dossiers finish on their version. "
               f"To take dossiers again: motcua procedure reinstate {key} --as USER.")


@procedure.command()
@click.argument("key")
@click.option("--as", "username", required=True)
def reinstate(key, username):
    """KEY takes new dossiers again."""
    from engine.commands.procedures import reinstate as reinstate_command
    m = Motcua(Settings())
    _run(lambda: reinstate_command(m.uow(), actor_id=_actor(m, username), procedure_key=key))
    click.echo(f"{key} takes new dossiers again.")


@procedure.command()
@click.argument("key")
@click.argument("number", type=int)
@click.option("--as", "username", required=True)
@click.option("--reason", default="")
def activate(key, number, username, reason):
    """New dossiers of KEY start version NUMBER (roll back or forward); open ones keep theirs."""
    from engine.commands.procedures import activate as activate_command
    m = Motcua(Settings())
    _run(lambda: activate_command(m.uow(), actor_id=_actor(m, username), procedure_key=key, number=number,
                                  reason=reason))
    click.echo(f"New dossiers of {key} now start version {number}; open dossiers keep their own version.")


@procedure.command()
@click.argument("key")
@click.argument("source", type=int)
@click.argument("target", type=int)
@click.option("--as", "username", required=True, help="An administrator.")
@click.option("--apply", "apply_", is_flag=True, help="Move; without it, only list what would move.")
def move(key, source, target, username, apply_):
    """Move KEY's open dossiers from version SOURCE to TARGET (a dry run unless --apply)."""
    from engine.commands.version_moves import move_dossiers
    m = Motcua(Settings())
    plan = _run(lambda: move_dossiers(m.uow, actor_id=_actor(m, username), procedure_key=key, source=source,
                                      target=target, dry_run=not apply_))
    for code in plan.movable:
        click.echo(f"Dossier {code} {'was moved' if code in plan.moved else 'would move'} to version {target}.")
    for code, block in sorted(plan.reasons.items()):
        click.echo(f"Dossier {code} cannot move to version {target}: {_why(block, target)}")
    if not apply_:
        click.echo("This was a dry run: nothing was moved. Run the command again with --apply to move the "
                   "dossiers listed.")


def _why(block, target: int) -> str:
    """Why a dossier cannot move, as a sentence that says what to do (the page's words in English)."""
    steps = ", ".join(f"“{name}”" for name in block.steps)
    if block.kind == "open_steps_missing":
        return f"its open steps {steps} are not in version {target}; let it finish on its version."
    if block.kind == "old_library":
        return "its state was saved by an older workflow library; let it go one step further, then move it."
    return f"it went through {steps}, which version {target} does not have; let it finish on its version."


@click.command("test-procedure")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True, dir_okay=False))
def test_procedure(paths):
    """Run procedure scenarios (workflows/scenarios/*.toml by default), each in a throwaway
    database of its own; prints every step and exits 1 if any fails."""
    from engine import scenarios
    paths = paths or sorted(scenarios.SCENARIOS_DIR.glob("*.toml"))
    failed = False
    for path in paths:
        try:
            result = scenarios.run_file(path)
        except scenarios.ScenarioInvalid as exc:
            click.echo(str(exc), err=True)
            failed = True
            continue
        click.echo(scenarios.report(result))
        failed = failed or not result.ok
    sys.exit(1 if failed else 0)


COMMANDS = (procedure, test_procedure)
