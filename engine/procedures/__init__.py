"""Procedures: BPMN files read safely, checked against our conventions, versioned and cached."""
