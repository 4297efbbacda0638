"""Statistics: the only place that classifies a dossier (early, on time, late, within time,
overdue, withdrawn, stopped, refused, waiting for the citizen) and counts the classes
(docs/STATISTICS.md). ``verdict`` judges; ``figures`` counts and lists (drill-down)."""
from engine.statistics.verdict import (  # noqa: F401
    CLASSES, ENDED_APART, EARLY, FINISHED, LATE, NO_TIME_LIMIT, ON_TIME, OPEN, OVERDUE, REFUSED, STOPPED,
    SUPPLEMENT_PENDING, WAITING_OBLIGATION, WITHDRAWN, WITHIN_TIME, timeliness, verdict,
)
from engine.statistics.figures import (  # noqa: F401
    BY_AGENCY, BY_PROCEDURE, BY_SECTOR, FIGURES, Figures, Period, Row, count_in, dossiers_in, figures, figures_by,
    figures_by_month, rows,
)
