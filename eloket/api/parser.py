"""The API's JSON parser: Python's, refusing text with a NUL character.

PostgreSQL text and JSON columns cannot hold U+0000, so such a request would fail when it is stored; it is refused
as unparsable (400) before any endpoint sees it, in the body and in the query string alike.
"""

import json

from ninja.parser import Parser

from .errors import ApiError

REFUSED = "Text may not contain a NUL character."


def has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False


class TextParser(Parser):
    def parse_body(self, request):
        data = json.loads(request.body)
        if has_nul(data):
            raise ApiError(400, "invalid", REFUSED)  # ninja answers it as a body it cannot parse
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if has_nul(result):
            raise ApiError(400, "invalid", REFUSED)
        return result
