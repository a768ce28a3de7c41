"""Email and SMS behind one interface: `from eloket.notifications import notify`."""


def notify(*args, **kwargs):
    """See eloket.notifications.dispatch.notify (imported on use, so this package imports no models)."""
    from .dispatch import notify as _notify

    return _notify(*args, **kwargs)
