"""The audit trail: which staff member read which personal data, and when (viewed, downloaded, exported).

    from eloket import audit
    audit.record(request, case, audit.VIEW)            # an object
    audit.record(request, Permit, audit.EXPORT, "CSV") # a model, with a label
"""

VIEW, DOWNLOAD, EXPORT = "view", "download", "export"


def record(request, target, action: str, label: str = ""):
    """Write one entry when the request's user is staff; citizens reading their own data leave none. See trail.py."""
    from .trail import record as write

    return write(request, target, action, label)
