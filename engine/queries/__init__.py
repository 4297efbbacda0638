"""Read-only questions the pages ask (inbox, task page, history). No Flask; callers pass a session."""
