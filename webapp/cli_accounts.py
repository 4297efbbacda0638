"""``motcua user …``: what an operator does to an account from the shell. Every change here ends
the user's sessions at once (engine/commands/accounts.py)."""
from __future__ import annotations

import click

from engine.bootstrap import Motcua
from engine.config import Settings
from engine.errors import MotcuaError


def _user_id(m: Motcua, username: str) -> int:
    from engine.queries.accounts import user_for_login
    with m.read_session() as s:
        user = user_for_login(s, username)
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    return user.id


def _run(action):
    try:
        return action()
    except MotcuaError as exc:
        details = getattr(exc, "field_errors", {})
        raise click.ClickException(" ".join([exc.message("en")] + [m for ms in details.values() for m in ms]))


@click.group("user")
def user():
    """Reset a password, deactivate or reactivate an account, end its sessions."""


@user.command("password")
@click.argument("username")
@click.password_option("--password", prompt="New password", help="Asked for when not given.")
def password(username, password):
    """Set USERNAME's password (an administrator's reset) and end all of their sessions."""
    from engine.commands.accounts import change_password
    m = Motcua(Settings())
    ended = _run(lambda: change_password(m.uow(), user_id=_user_id(m, username), current_password=None,
                                         new_password=password))
    click.echo(f"password changed; {ended} session(s) ended")


@user.command("deactivate")
@click.argument("username")
def deactivate(username):
    """Stop USERNAME from logging in, and end all of their sessions now."""
    from engine.commands.accounts import set_active
    m = Motcua(Settings())
    ended = _run(lambda: set_active(m.uow(), user_id=_user_id(m, username), active=False))
    click.echo(f"{username} deactivated; {ended} session(s) ended")


@user.command("activate")
@click.argument("username")
def activate(username):
    """Let USERNAME log in again (old sessions stay ended)."""
    from engine.commands.accounts import set_active
    m = Motcua(Settings())
    _run(lambda: set_active(m.uow(), user_id=_user_id(m, username), active=True))
    click.echo(f"{username} activated")


@user.command("logout")
@click.argument("username")
def logout(username):
    """End every session of USERNAME (a lost laptop, a suspicion)."""
    from engine.commands.sessions import end_all_for_user
    m = Motcua(Settings())
    ended = end_all_for_user(m.uow(), _user_id(m, username), reason="ended_by_admin")
    click.echo(f"{ended} session(s) of {username} ended")


COMMANDS = (user,)
