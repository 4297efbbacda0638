"""Running one dossier's workflow: sandbox, serializer, loading and saving, work items."""
