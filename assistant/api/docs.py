"""Swagger UI at /docs from local files when the ``swagger-ui-bundle`` package is installed.

FastAPI's default /docs page loads Swagger UI from a CDN, which an offline ministry network cannot
reach; the OpenAPI schema at /openapi.json works either way.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
ASSETS_URL = "/docs-assets"


def local_swagger_assets() -> Path | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    assets = Path(swagger_ui_path)
    wanted = ("swagger-ui-bundle.js", "swagger-ui.css")
    return assets if all((assets / name).is_file() for name in wanted) else None


def add_local_docs(app: FastAPI, assets: Path) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=assets), name="docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – Dokumentation",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url="/favicon.ico",
        )
