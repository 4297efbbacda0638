"""The case engine: everything that decides. No Flask import lives here.

Packages by concept:
- ``procedures``: parse, check, version and cache BPMN procedures.
- ``runtime``: run a dossier's workflow (sandbox, serializer, work items).
- ``commands``: the service layer: one function per officer action, one transaction each.
"""
