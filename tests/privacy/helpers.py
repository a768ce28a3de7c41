"""Logging a citizen in as if they had just confirmed their password (allauth's reauthentication record)."""

import time


def log_in(client, user, *, confirmed: bool = True):
    client.force_login(user)
    if confirmed:
        session = client.session
        session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    return client
