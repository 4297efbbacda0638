"""Column types and the declarative base every table derives from."""
from __future__ import annotations

from sqlalchemy import DateTime, String
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Timezone-aware datetimes on every backend (SQLite forgets the offset otherwise)."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        if value is not None:
            # SQLite stores the wall time without its offset: store UTC so reading back as UTC is right.
            from datetime import timezone
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        from datetime import timezone
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    pass


# Folded search text compared byte-wise on PostgreSQL too, so a prefix is an index range whatever
# the database's collation (engine/folding.py prefix_bounds).
SearchText = String(255).with_variant(String(255, collation="C"), "postgresql")
