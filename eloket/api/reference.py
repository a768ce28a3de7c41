"""The API reference at /api/v1/docs: the OpenAPI document rendered as a plain, accessible page.

An interactive explorer (Swagger UI) fails the accessibility rules the city must meet and needs scripts the site's
CSP forbids, so operators read this page and load /api/v1/openapi.json into their own tools to try calls.
"""

import json
from dataclasses import dataclass, field

from django.shortcuts import render
from django.urls import reverse

from .api import api

METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"


@dataclass
class Field:
    name: str
    kind: str
    schema: str
    required: bool
    description: str
    limits: str


@dataclass
class Schema:
    name: str
    description: str
    fields: list[Field]
    example: str


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    security: list[str]
    parameters: list[Field]
    body: str
    responses: list[tuple[str, str, str]]


@dataclass
class Tag:
    name: str
    anchor: str
    operations: list[Operation] = field(default_factory=list)


def _kind(schema: dict) -> tuple[str, str]:
    """(a short type in words, the name of a component schema it refers to or '')."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
        return name, name
    if "anyOf" in schema:
        parts = [_kind(part) for part in schema["anyOf"] if part.get("type") != "null"]
        nullable = len(parts) < len(schema["anyOf"])
        words = " | ".join(part[0] for part in parts) + (" | null" if nullable else "")
        return words, next((part[1] for part in parts if part[1]), "")
    if schema.get("type") == "array":
        inner, ref = _kind(schema.get("items", {}))
        return f"array of {inner}", ref
    kind = schema.get("type", "any")
    if "format" in schema:
        kind += f" ({schema['format']})"
    if "enum" in schema:
        kind += ": " + ", ".join(json.dumps(value) for value in schema["enum"])
    return kind, ""


def _limits(schema: dict) -> str:
    """Length, range and default in the schema's own terms, for the reader who builds the request."""
    names = ("minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems")
    found = {name: schema[name] for name in names if name in schema}
    for part in schema.get("anyOf", []):
        found.update({name: part[name] for name in names if name in part})
    if "default" in schema:
        found["default"] = json.dumps(schema["default"])
    return ", ".join(f"{name} {value}" for name, value in found.items())


def _field(name: str, schema: dict, required: bool, description: str = "") -> Field:
    kind, ref = _kind(schema)
    return Field(name=name, kind=kind, schema=ref, required=required,
                 description=description or schema.get("description", ""), limits=_limits(schema))


def _schema_of(content: dict) -> str:
    for media in content.values():
        return _kind(media.get("schema", {}))[0]
    return ""


def build(document: dict) -> dict:
    """The page's parts from an OpenAPI document: tags with their operations, then the schemas they use."""
    tags: dict[str, Tag] = {}
    for path, operations in document.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            name = (operation.get("tags") or ["API"])[0]
            tag = tags.setdefault(name, Tag(name=name, anchor="tag-" + str(len(tags) + 1)))
            parameters = [_field(parameter["name"], parameter.get("schema", {}), parameter.get("required", False),
                                 parameter.get("description", "")) for parameter in operation.get("parameters", [])]
            for parameter, source in zip(parameters, operation.get("parameters", []), strict=True):
                parameter.name = f"{parameter.name} ({source['in']})"
            tag.operations.append(Operation(
                method=method.upper(), path=path, anchor=operation.get("operationId", f"{method}-{path}"),
                summary=operation.get("summary", ""), description=operation.get("description", ""),
                security=[scheme for entry in operation.get("security", []) for scheme in entry],
                parameters=parameters,
                body=_schema_of(operation.get("requestBody", {}).get("content", {})),
                responses=sorted((str(status), answer.get("description", ""), _schema_of(answer.get("content", {})))
                                 for status, answer in operation.get("responses", {}).items())))
    schemas = []
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        examples = schema.get("examples") or []
        schemas.append(Schema(
            name=name, description=schema.get("description", ""),
            fields=[_field(key, value, key in required) for key, value in schema.get("properties", {}).items()],
            example=json.dumps(examples[0], indent=2, ensure_ascii=False) if examples else ""))
    security = [{"name": name, "how": (f"{scheme['scheme'].capitalize()} token in the Authorization header"
                                       if scheme.get("type") == "http" else f"{scheme.get('name')} header")}
                for name, scheme in document.get("components", {}).get("securitySchemes", {}).items()]
    return {"info": document.get("info", {}), "tags": list(tags.values()), "schemas": schemas, "security": security}


def reference(request):
    context = build(api.get_openapi_schema(path_params={}))
    context["openapi_url"] = reverse("api:openapi-json")
    return render(request, "api/reference.html", context)
