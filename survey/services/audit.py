"""Placeholder until the audit log lands: same signature, records nothing."""


def record(session, actor, organisation_id, action, target, before=None, after=None) -> None:
    return None
