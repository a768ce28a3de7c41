"""The API reference page: every operation and schema of the OpenAPI document, readable without scripts."""

import pytest

from eloket.api.api import api
from eloket.api.reference import build

pytestmark = pytest.mark.django_db


def test_every_operation_and_schema_of_the_document_is_on_the_page(client):
    document = api.get_openapi_schema(path_params={})
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    for path, operations in document["paths"].items():
        for method in operations:
            assert f"<code>{method.upper()} {path}</code>" in html, (method, path)
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in html, name
    assert "/api/v1/openapi.json" in html
    assert "<script" not in html.split("</head>", 1)[1]  # nothing to run in the page itself


def test_types_references_and_limits_are_spelled_out():
    page = build(api.get_openapi_schema(path_params={}))
    parking_in = next(schema for schema in page["schemas"] if schema.name == "ParkingIn")
    fields = {field.name: field for field in parking_in.fields}
    assert fields["registration_number"].required and fields["registration_number"].kind == "string"
    assert "maxLength 20" in fields["registration_number"].limits
    assert fields["time_end"].kind == "string (date-time) | null" and not fields["time_end"].required
    assert fields["location"].schema == "Location"
    assert '"registration_number": "1-ABC-123"' in parking_in.example
    operator = next(tag for tag in page["tags"] if tag.name == "Parking-app operators")
    post = next(op for op in operator.operations if op.method == "POST" and op.path.endswith("/parking/"))
    assert post.body == "ParkingIn" and post.security == ["OperatorKey"]
    assert any(status == "409" for status, _description, _schema in post.responses)
    assert "Idempotency-Key (header)" in [parameter.name for parameter in post.parameters]
