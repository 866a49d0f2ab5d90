"""The "Erklärung zur Barrierefreiheit" (accessibility statement, BITV 2.0 § 7) at /barrierefreiheit.

Plain server-rendered HTML, German first with an English version below, readable without
JavaScript and without a login: the statement must be reachable by anyone who cannot use the UI.
The text follows the federal template; the feedback contact is ``ASSISTANT_ACCESSIBILITY_CONTACT``.
"""

from __future__ import annotations

import html
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

PATH = "/barrierefreiheit"
# The date of the last self-assessment (the axe-core and keyboard tests of tests/e2e/test_accessibility.py).
ASSESSED = {"de": "7. Dezember 2026", "en": "7 December 2026"}
NO_CONTACT = {
    "de": "Der Betreiber dieses Servers hat noch keine Kontaktadresse hinterlegt "
    "(Einstellung <code>ASSISTANT_ACCESSIBILITY_CONTACT</code>).",
    "en": "The operator of this server has not set a contact address yet "
    "(setting <code>ASSISTANT_ACCESSIBILITY_CONTACT</code>).",
}

router = APIRouter()


@router.get(PATH, response_class=HTMLResponse, include_in_schema=False)
def accessibility_statement(request: Request) -> HTMLResponse:
    contact = getattr(request.app.state.settings, "accessibility_contact", "") or ""
    return HTMLResponse(statement_html(contact))


def statement_html(contact: str) -> str:
    template = resources.files("assistant.data").joinpath("barrierefreiheit.html").read_text(encoding="utf-8")
    return template.format(
        contact_de=_contact(contact, "de"),
        contact_en=_contact(contact, "en"),
        assessed_de=ASSESSED["de"],
        assessed_en=ASSESSED["en"],
    )


def _contact(contact: str, language: str) -> str:
    contact = contact.strip()
    if not contact:
        return NO_CONTACT[language]
    href = contact if contact.startswith(("http://", "https://", "mailto:")) else f"mailto:{contact}"
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(contact)}</a>'
