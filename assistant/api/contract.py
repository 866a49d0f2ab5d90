"""The served OpenAPI schema, adjusted to this server's settings and error shape.

Things a static model cannot say: the question and upload limits are settings
(ASSISTANT_MAX_QUESTION_CHARS, ASSISTANT_MAX_UPLOAD_FILES), and FastAPI declares its own 422 body (``{"detail": [...]}``) where this API always answers
``{"error": {...}}`` (see ``api/errors.py``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

_ERROR_REF = "#/components/schemas/ErrorResponse"
_FASTAPI_422 = ("HTTPValidationError", "ValidationError")


def install_contract(app: FastAPI, max_question_chars: int, max_upload_files: int) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = adjust(generate(), max_question_chars, max_upload_files)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def adjust(schema: dict[str, Any], max_question_chars: int, max_upload_files: int) -> dict[str, Any]:
    components = schema.get("components", {}).get("schemas", {})
    for name, body in components.items():
        if name.startswith("Body_upload_documents"):
            body["properties"]["files"]["maxItems"] = max_upload_files
    if "AskRequest" in components:
        components["AskRequest"]["properties"]["question"]["maxLength"] = max_question_chars
    if "CompareRequest" in components:
        components["CompareRequest"]["properties"]["topic"]["maxLength"] = max_question_chars
    if "ChatCompletionRequest" in components:
        user = components["ChatCompletionRequest"]["properties"]["messages"]["contains"]
        user["properties"]["content"]["anyOf"][0]["maxLength"] = max_question_chars
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("responses", {}).get("422", {}).get("content", {})
            body = content.get("application/json", {}).get("schema", {})
            if body.get("$ref", "").rsplit("/", 1)[-1] in _FASTAPI_422:
                body["$ref"] = _ERROR_REF
    for name in _FASTAPI_422:
        components.pop(name, None)
    return schema
