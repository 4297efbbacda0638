"""The dossier list's tests again, read the way it reads for an officer of many agencies (one
branch over all of them instead of one per agency, engine/queries/dossier_list.py): the same
dossiers, in the same order, on the same pages."""
from __future__ import annotations

import pytest

from engine.queries import dossier_list as dossier_list_module
from tests.web.test_dossier_list import *  # noqa: F401,F403  (every test of the list, run again here)
from tests.web.test_dossier_page import other_commune  # noqa: F401  (a fixture: a second commune)


@pytest.fixture(autouse=True)
def one_branch_for_all_agencies(monkeypatch):
    monkeypatch.setattr(dossier_list_module, "BRANCHES_UP_TO", 0)
