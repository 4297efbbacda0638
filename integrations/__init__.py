"""The outside world behind small interfaces (engine/ports.py): mail, SMS, partner agencies."""
