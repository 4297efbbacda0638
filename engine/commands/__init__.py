"""The service layer: one function per action an officer (or the system) takes.

Each function opens the unit of work, does its whole job and commits once; any error before the
commit leaves the database as it was. The web layer, the CLI and tests call these and nothing
lower.
"""
from engine.commands.reception import accept, decide, give_guidance, receive, refuse
from engine.commands.supervision import reassign, stop, withdraw
from engine.commands.work import claim, complete, release, send_back

__all__ = ["receive", "accept", "decide", "give_guidance", "refuse", "claim", "release", "complete", "send_back",
           "reassign", "withdraw", "stop"]
