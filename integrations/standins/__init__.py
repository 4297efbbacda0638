"""Loopback stand-ins for outside systems, started by the tests and by the demo."""
