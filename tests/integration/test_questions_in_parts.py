"""Questions in two parts over an ordinance and its draft: each part is searched in the document it
points to. A part that names a document narrows the search to it; beside it, a part that only says
what kind of document it means ("nach der Verordnung", "under the ordinance") means the other one
of that kind, since the draft is a Verordnung too. Alone, such a part means the final text, not
its draft. Real ingestion, real Chroma, the real model."""

from __future__ import annotations

import pytest

from assistant.container import Container
from tests.conftest import make_settings

pytestmark = pytest.mark.slow

ORDINANCE = """# Gesundheitsregionenverordnung

## § 3 Kostenanteil

Das Land trägt 40 Prozent der Kosten der Gesundheitsregionen.

## § 4 Berichte

Die Gesundheitsregionen berichten jährlich an das Ministerium.

## § 5 Beratung

(2) Die Vergütung der Praxen für eine reine Beratung ohne anschließende Impfung beträgt einmalig 10 Euro.
"""

# The draft words the share the way the question does ("nach der Verordnung trägt das Land …"),
# with another figure: without the contrast its sentence wins the first part.
DRAFT = """# Begründung

## Zu § 3

Nach der Verordnung trägt das Land einen Anteil von 35 Prozent der Kosten der Gesundheitsregionen.

## Zu § 4

Die Gesundheitsregionen berichten jährlich an das Ministerium. Der Bericht dient der Steuerung.

## Zu § 5

Die Vergütung der Praxen für eine reine Beratung ohne anschließende Impfung beträgt, wie bei den Gesundheitsregionen üblich, je Person und je Bezugsperson einmalig 10 Euro.

## Erfüllungsaufwand

Für die Haushalte der Länder ergibt sich eine monatliche Belastung von rund 2 Millionen Euro.
"""


# The ordinance's title as an editor gives it, or as a PDF's metadata may give it (the publisher):
# then its first line says that it is a Verordnung.
@pytest.fixture(scope="module", params=["Gesundheitsregionenverordnung (GesRegV) vom 1. März 2024", "Ministerium für Gesundheit"])
def ordinance_and_draft(request, tmp_path_factory, encoder):
    container = Container(make_settings(tmp_path_factory.mktemp("parts")), encoder=encoder)
    for name, text, title in (
        ("gesregv.md", ORDINANCE, request.param),
        ("entwurf.md", DRAFT, "Referentenentwurf: Verordnung über Gesundheitsregionen"),
    ):
        result = container.documents.ingest_bytes(name, text.encode(), {"title": title})
        assert result.status == "added", result
    return container


@pytest.mark.parametrize(
    "question",
    [
        "Welchen Anteil der Kosten trägt das Land nach der Verordnung, und mit welcher monatlichen Belastung rechnet der Referentenentwurf?",
        "What share of the costs does the state bear under the ordinance, and what monthly burden does the draft expect?",
    ],
)
def test_a_part_that_names_only_a_kind_of_document_means_the_other_one(ordinance_and_draft, question):
    answer = ordinance_and_draft.chat.ask(question)

    assert answer.answered, answer.answer
    assert "40 Prozent" in answer.answer and "35 Prozent" not in answer.answer, answer.answer
    assert "2 Millionen Euro" in answer.answer, answer.answer
    cited = {c.document_id for c in answer.citations}
    assert len(cited) == 2, answer.citations


@pytest.mark.parametrize(
    "question",
    ["Welchen Anteil der Kosten trägt das Land nach der Verordnung?", "What share of the costs does the state bear under the ordinance?"],
)
def test_a_question_naming_only_the_kind_means_the_final_text_not_its_draft(ordinance_and_draft, question):
    # The draft is a Verordnung too, and words the share as the question does, with another figure.
    answer = ordinance_and_draft.chat.ask(question)

    assert answer.answered and "40 Prozent" in answer.answer and "35 Prozent" not in answer.answer, answer.answer
    assert {c.document_id for c in answer.citations} == {"gesregv"}, answer.citations


def test_a_question_naming_the_draft_is_not_narrowed_to_the_final_text(ordinance_and_draft):
    scope = ordinance_and_draft.scopes.scope_of("Mit welcher monatlichen Belastung rechnet der Entwurf der Verordnung?")

    assert scope is None or "entwurf" in scope.document_ids


def test_a_sentence_the_draft_repeats_from_the_final_text_is_quoted_from_the_final_text(ordinance_and_draft):
    # Both documents hold "Die Gesundheitsregionen berichten jährlich an das Ministerium."
    answer = ordinance_and_draft.chat.ask("An wen berichten die Gesundheitsregionen jährlich?")

    assert answer.answered and "Ministerium" in answer.answer, answer.answer
    assert answer.citations[0].document_id == "gesregv", answer.citations


def test_an_answer_the_final_text_gives_too_is_quoted_from_the_final_text(ordinance_and_draft):
    # The draft's reasoning restates the fee in its own words; the ordinance's sentence is in force.
    answer = ordinance_and_draft.chat.ask("Welche Vergütung erhält eine Praxis für eine reine Beratung ohne anschließende Impfung?")

    assert answer.answered and "10 Euro" in answer.answer, answer.answer
    assert answer.citations[0].document_id == "gesregv", answer.citations
    assert answer.highlights == ["10 Euro"], answer.highlights
