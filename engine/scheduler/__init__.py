"""The scheduler: each tick asks the database what is due (through indexes) and acts on it.

Every effect is recorded once (unique keys), and rows are taken with ``FOR UPDATE SKIP LOCKED``
on PostgreSQL, so any number of scheduler processes can run side by side.
"""
