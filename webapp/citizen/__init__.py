"""The citizens' side, one blueprint for that audience: the catalogue (readable by anyone), signing
in (identity provider or a code by mail) and the citizen's own pages. Officers' pages never accept
a citizen, and the citizen's pages never accept an officer's login (webapp/citizen/session.py).
The views only turn HTTP into engine commands and queries."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("citizen", __name__)

from webapp.citizen import account, apply, catalogue, dossier, payment  # noqa: E402,F401  (their views register on bp)
