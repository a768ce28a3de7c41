"""Admin registration lives in two modules: online payments and refunds, and bank statements."""

from . import admin_bank, admin_payments  # noqa: F401
