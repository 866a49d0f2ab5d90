"""The source viewer over HTTP and in the browser: every citation opens its document at the cited place,
with the quoted sentences found letter for letter there (boxes on the PDF page, marks in the text)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image

from assistant.services.locate import normalise
from tests.conftest import PROJECT_DIR, SHARED_DIR
from tests.e2e.conftest import EDITOR_KEY, READER_KEY, LiveServer, serve_live, server_settings
from tests.e2e.test_browser import ANSWER_TIMEOUT_MS, ask, browser, log_in  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

# CC BY 4.0 (Robert Koch-Institut), see ../shared/realdocs/README.md.
REAL_PDF = SHARED_DIR / "realdocs" / "rki_desh_anleitung_sequenzdaten_2021.pdf"
PDF_QUESTIONS = [
    "An welche Adresse muss sich ein Labor wenden, um sich für den DESH registrieren zu lassen?",
    "Which organisation provides laboratories with the TLS certificate needed to upload data to DESH?",
    "Welche Dateien werden pro Upload an DESH übermittelt?",
]
SEED_QUESTION = "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"


@pytest.fixture(scope="module")
def server(tmp_path_factory, encoder) -> Iterator[LiveServer]:
    with serve_live(server_settings(tmp_path_factory.mktemp("viewer-store")), encoder, name="e2e-viewer") as live:
        with httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {EDITOR_KEY}"}, timeout=300) as editor:
            response = editor.post(
                "/api/v1/documents",
                files=[("files", ("DESH-Anleitung.pdf", REAL_PDF.read_bytes(), "application/pdf"))],
                data={"title": "DESH – Anleitung zur Übermittlung von Sequenzdaten"},
            )
            assert response.status_code == 200, response.text
        yield live


@pytest.fixture
def reader(server) -> Iterator[httpx.Client]:
    with server.client(READER_KEY) as client:
        yield client


def answer(reader: httpx.Client, question: str) -> dict:
    response = reader.post("/api/v1/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return response.json()


def view(reader: httpx.Client, citation: dict) -> dict:
    params = [("chunk", citation["chunk_id"]), *[("quote", q) for q in citation["highlights"]]]
    response = reader.get(f"/api/v1/documents/{citation['document_id']}/view", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def letters(text: str) -> str:
    return normalise(text).letters


def assert_marks_are_the_quotes(result: dict) -> None:
    """Every highlight is quoted text, and together they hold every quote's letters in order."""
    marked = [letters(result["text"][h["start"] : h["end"]]) for h in result["highlights"]]
    assert marked and all(marked)
    joined = "".join(marked)
    for quote in result["quotes"]:
        assert letters(quote) in joined or all(letters(part) in joined for part in quote.split("\n"))


def test_a_pdf_citation_is_boxed_on_its_page_and_the_page_image_is_marked_there(reader):
    citation = answer(reader, PDF_QUESTIONS[0])["citations"][0]
    assert citation["chunk_id"] and citation["highlights"]

    result = view(reader, citation)

    assert result["kind"] == "pdf" and result["located"] is True
    assert result["page"] in result["pages"]
    assert_marks_are_the_quotes(result)
    boxes = [box for h in result["highlights"] for box in h["boxes"]]
    assert boxes and all(0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1 for x0, y0, x1, y1 in boxes)
    assert result["file_url"] and len(result["image_urls"]) == len(result["pages"])

    marked = reader.get(result["image_urls"][result["pages"].index(result["page"])])
    plain = reader.get(f"/api/v1/documents/{citation['document_id']}/pages/{result['page']}.png")
    assert marked.status_code == plain.status_code == 200 and marked.headers["content-type"] == "image/png"
    with_marks, without = Image.open(io.BytesIO(marked.content)).convert("RGB"), Image.open(io.BytesIO(plain.content)).convert("RGB")
    x0, y0, x1, y1 = next(b for h in result["highlights"] if h["page"] == result["page"] for b in h["boxes"])
    w, h = with_marks.size
    inside = (int((x0 + x1) / 2 * w), int((y0 + y1) / 2 * h))
    outside = (int(0.5 * w), min(h - 1, int(y1 * h) + 200)) if y1 < 0.7 else (int(0.5 * w), int(y0 * h) - 200)
    assert with_marks.getpixel(inside) != without.getpixel(inside)  # the marker is drawn over the quote
    assert _yellowish(with_marks.getpixel(inside)) or _yellowish(_around(with_marks, inside))
    assert with_marks.getpixel(outside) == without.getpixel(outside) or not _yellowish(with_marks.getpixel(outside))


def _yellowish(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > 200 and g > 170 and b < 190


def _around(image: Image.Image, point: tuple[int, int]) -> tuple[int, int, int]:
    """The brightest pixel near ``point`` (the centre may fall on a letter's ink)."""
    x, y = point
    pixels = [image.getpixel((x + dx, y)) for dx in range(-15, 16, 3)]
    return max(pixels, key=sum)


def test_a_text_citation_is_marked_in_the_documents_text(reader):
    citation = answer(reader, SEED_QUESTION)["citations"][0]

    result = view(reader, citation)

    assert result["kind"] == "text" and result["located"] is True
    assert result["image_urls"] == [] and result["file_url"].endswith(f"/documents/{citation['document_id']}/file")
    assert_marks_are_the_quotes(result)
    # The text is the whole document, not only the passage.
    assert len(result["text"]) > 3 * len(citation["text"])


def test_every_citation_of_a_set_of_answers_is_located(reader):
    questions = [json.loads(line)["question"] for line in (PROJECT_DIR / "bench/data/strategie_questions.jsonl").open()][:12]
    checked = []
    for question in [*questions, *PDF_QUESTIONS]:
        body = answer(reader, question)
        for citation in body["citations"] + body["related"]:
            result = view(reader, citation)
            checked.append((question, citation["chunk_id"], result["located"]))
    assert len(checked) >= 15
    assert [c for c in checked if not c[2]] == []


def test_the_api_answer_names_the_documents_it_searched_in(reader):
    body = answer(reader, "Wer stellt laut der DESH-Anleitung das TLS-Zertifikat bereit?")
    assert body["searched_in"] == ["DESH – Anleitung zur Übermittlung von Sequenzdaten"]
    assert body["answer"].startswith("Gesucht in: „DESH – Anleitung zur Übermittlung von Sequenzdaten“")
    assert {c["document_id"] for c in body["citations"]} == {body["citations"][0]["document_id"]}
    assert "searched_in" in answer(reader, "Welche Zukunftsthemen gibt es?") and answer(reader, "Welche Zukunftsthemen gibt es?")["searched_in"] == []


def test_unknown_passages_and_pages_are_404(reader):
    citation = answer(reader, SEED_QUESTION)["citations"][0]
    other = "strategie-medizin-nrw" if citation["document_id"] != "strategie-medizin-nrw" else "kompetenzverbund-bw"
    wrong_document = reader.get(f"/api/v1/documents/{other}/view", params={"chunk": citation["chunk_id"]})
    assert wrong_document.status_code == 404 and wrong_document.json()["error"]["code"] == "passage_not_found"
    assert reader.get(f"/api/v1/documents/{citation['document_id']}/pages/1.png").status_code == 404  # not a PDF
    missing = reader.get("/api/v1/documents/nope/view", params={"chunk": "x"})
    assert missing.status_code == 404


def test_the_viewer_page_needs_the_chat_login(server):
    with server.client(READER_KEY) as reader:
        citation = answer(reader, SEED_QUESTION)["citations"][0]
    anonymous = httpx.get(f"{server.url}/quelle/{citation['document_id']}", params={"chunk": citation["chunk_id"]})
    assert anonymous.status_code == 401 and "anmelden" in anonymous.text


@pytest.mark.parametrize("question, shot", [(PDF_QUESTIONS[0], "08-quelle-pdf.png"), (SEED_QUESTION, "09-quelle-text.png")])
def test_clicking_a_citation_opens_the_highlighted_source(browser, server, artifacts, question, shot):  # noqa: F811
    context = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server.url)
    log_in(page, READER_KEY)
    ask(page, question)
    source = page.locator("#sa-chatbot .sa-source").first
    source.locator("summary").click()
    link = source.get_by_role("link", name="Im Original ansehen")
    with context.expect_page() as opened:
        link.click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert viewer.url.split("?")[0].startswith(f"{server.url}/quelle/")
    viewer.locator("h1").get_by_text("Fundstelle:").wait_for()
    assert viewer.locator("mark").count() >= 1
    if shot.startswith("08"):
        image = viewer.locator("figure img").first
        assert "gelb markiert" in image.get_attribute("alt")
        assert image.evaluate("img => img.naturalWidth") > 500
        assert viewer.get_by_role("link", name="Originaldatei herunterladen").count() == 1
    else:
        assert viewer.locator("#fundstelle").is_visible()  # scrolled to the first mark
    viewer.screenshot(path=artifacts / shot)
    context.close()


def test_a_compare_question_in_the_chat_shows_the_table_with_sources(browser, server, artifacts):  # noqa: F811
    context = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 1500})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server.url)
    log_in(page, READER_KEY)
    ask(page, "Vergleiche NRW und Baden-Württemberg bei der Digitalisierung")
    table = page.locator("#sa-chatbot table.sa-table").last
    table.wait_for(timeout=ANSWER_TIMEOUT_MS)
    text = table.inner_text()
    assert "Aspekt" in text and "Strategie Medizin in NRW" in text and "[1]" in text
    assert page.locator("#sa-chatbot .sa-source").count() >= 1
    table.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "10-chat-vergleich.png", full_page=True)
    context.close()
