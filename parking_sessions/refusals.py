"""The one error of the sessions rules: what cannot be done and why (pricing, sessions, SMS, API map it to replies)."""


class SessionRefused(Exception):
    """`message` says why in the active language; `code` is the machine-readable reason the API answers with."""

    def __init__(self, message, code: str = "refused"):
        super().__init__(str(message))
        self.message, self.code = message, code
