"""Questions that name documents, over the seed corpus with the real model and store: "in NRW",
"im Kompetenzverbund" restrict the search and say so ("Gesucht in: …"); a question that asks to
compare named documents or regions is answered by the comparison service, as a table with sources."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

NRW, BW = "strategie-medizin-nrw", "kompetenzverbund-bw"
NRW_TITLE = "Strategie Medizin in NRW"
BW_TITLE = "Kompetenzverbund Qualitätsmedizin und Digitalisierung Baden-Württemberg"


def cited_documents(answer) -> set[str]:
    return {c.document_id for c in [*answer.citations, *answer.related]}


@pytest.mark.parametrize(
    "question, document, title",
    [
        ("Welche Ziele werden in NRW verfolgt?", NRW, NRW_TITLE),
        ("Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?", BW, BW_TITLE),
        ("Was plant Baden-Württemberg zur Telemedizin?", BW, BW_TITLE),
    ],
)
def test_a_named_document_or_region_restricts_the_search_and_the_answer_says_so(corpus_container, question, document, title):
    answer = corpus_container.chat.ask(question)

    assert answer.searched_in == [title]
    assert answer.answer.startswith(f"Gesucht in: „{title}“")
    assert answer.answered and cited_documents(answer) == {document}


def test_an_english_question_is_told_where_it_was_searched_in_english(corpus_container):
    answer = corpus_container.chat.ask("Which hospitals belong to the Kompetenzverbund in Baden-Württemberg?")
    assert answer.searched_in == [BW_TITLE]
    assert answer.answer.startswith(f"Searched in: “{BW_TITLE}”")
    assert cited_documents(answer) == {BW}


def test_a_topic_word_of_a_title_does_not_restrict_the_search(corpus_container):
    # "Digitalisierung" is in the BW document's title, but the NRW document uses the word too.
    answer = corpus_container.chat.ask("Welche Rolle spielt die Digitalisierung für die Kliniken?")
    assert answer.searched_in == []
    assert not answer.answer.startswith("Gesucht in")


def test_a_restriction_that_finds_nothing_says_so_instead_of_searching_everything(corpus_container):
    answer = corpus_container.chat.ask("Wie viel Geld stellt NRW für die Strategie bereit?")
    assert answer.searched_in == [NRW_TITLE] and not answer.answered
    assert f"In „{NRW_TITLE}“ steht dazu nichts; die übrigen Dokumente wurden nicht durchsucht." in answer.answer
    assert BW not in cited_documents(answer)  # nor the related passages come from elsewhere


@pytest.mark.parametrize("filters", [{"document_id": [BW]}, {"region": ["BW"]}])
def test_filters_chosen_by_hand_win_over_the_named_document(corpus_container, filters):
    answer = corpus_container.chat.ask("Welche Ziele werden in NRW verfolgt?", filters=filters)
    assert answer.searched_in == [] and cited_documents(answer) <= {BW}


def test_an_article_alone_does_not_make_a_title_word_a_reference(corpus_container):
    answer = corpus_container.chat.ask("Wer koordiniert den Kompetenzverbund?")
    assert answer.searched_in == [] and answer.answered


@pytest.mark.parametrize("question", ["Welche Ziele werden in NRW verfolgt?", "Wie viel Geld stellt NRW für die Strategie bereit?"])
def test_the_stream_says_first_where_it_searched_and_its_tokens_are_the_answer(corpus_container, question):
    events = list(corpus_container.chat.stream(question))
    assert events[0].kind == "token" and events[0].text.startswith(f"Gesucht in: „{NRW_TITLE}“")
    assert [e.kind for e in events[-2:]] == ["citations", "done"]
    done = events[-1].answer
    assert done == corpus_container.chat.ask(question)
    assert done.searched_in == [NRW_TITLE] and "".join(e.text for e in events if e.kind == "token") == done.answer


@pytest.mark.parametrize(
    "question, topic, language",
    [
        ("Vergleiche NRW und Baden-Württemberg bei der Digitalisierung", "Digitalisierung", "de"),
        ("Was unterscheidet die Strategie Medizin in NRW vom Kompetenzverbund hinsichtlich Telemedizin?", "Telemedizin", "de"),
        ("Compare NRW and Baden-Württemberg on Telemedizin", "Telemedizin", "en"),
    ],
)
def test_a_compare_question_in_the_chat_is_answered_by_the_comparison_service(corpus_container, question, topic, language):
    answer = corpus_container.chat.ask(question)

    expected = corpus_container.comparison.compare([BW, NRW], topic, language)
    assert answer.answer == expected.text
    assert "| " + ("Aspekt" if language == "de" else "Aspect") + " |" in answer.answer
    assert sorted(answer.searched_in) == sorted([NRW_TITLE, BW_TITLE])
    assert [c.n for c in answer.citations] == [s.n for s in expected.sources]
    assert all(c.chunk_id and c.highlights == [c.text] for c in answer.citations)
    # Every quoted cell is located in its document by the source viewer.
    for citation in answer.citations:
        assert corpus_container.viewer.view(citation.document_id, citation.chunk_id, citation.highlights).located


def test_a_question_about_one_document_is_not_routed_to_a_comparison(corpus_container):
    answer = corpus_container.chat.ask("Welche Ziele verfolgt die Strategie Medizin in NRW?")
    assert "| Aspekt |" not in answer.answer and answer.answered
