"""Bilingual content columns: `name = Translated()` reads name_nl or name_en for the active language."""

from django.utils.translation import get_language


class Translated:
    """Read-only attribute picking `<field>_<language>`, falling back to Dutch when empty."""

    def __set_name__(self, owner, name):
        self.base = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        language = (get_language() or "nl")[:2]
        return getattr(obj, f"{self.base}_{language}", "") or getattr(obj, f"{self.base}_nl")
