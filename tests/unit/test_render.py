"""The chat's HTML: the answer phrase in bold, related passages apart from the sources, all escaped."""

from __future__ import annotations

from assistant.models import Answer, Citation
from web.render import answer_html


def _citation(n: int, text: str) -> Citation:
    return Citation(n=n, document_id="bw", title="BW <Verbund>", text=text, score=0.5, highlights=[text])


def test_answer_phrase_is_bold_but_not_inside_other_numbers_or_markers():
    answer = Answer(
        answer="Laut dem Dokument:\n\nSeit 2014 haben sich 14 Krankenhäuser zusammengeschlossen. [1]",
        citations=[_citation(1, "Seit 2014 haben sich 14 Krankenhäuser zusammengeschlossen.")],
        answered=True,
        highlights=["14"],
    )
    html = answer_html(answer.answer, answer)
    assert "sich <strong>14</strong> Krankenhäuser" in html
    assert "Seit 2014" in html and "<strong>2014" not in html
    assert 'class="sa-sources"' in html and "BW &lt;Verbund&gt;" in html


def test_related_passages_of_a_decline_have_their_own_heading():
    declined = Answer(
        answer="Die Dokumente nennen keinen Betrag dazu.\n\nVerwandte Fundstellen (sie beantworten die Frage nicht):\nDer Verbund <b>fördert</b>. [1]",
        citations=[],
        answered=False,
        related=[_citation(1, "Der Verbund <b>fördert</b>.")],
    )
    html = answer_html(declined.answer, declined)
    assert "sa-unanswered" in html
    assert 'class="sa-sources sa-related"' in html and "Verwandte Fundstellen – keine Antwort auf die Frage" in html
    assert "<b>" not in html and "&lt;b&gt;fördert" in html


def test_a_cited_table_row_is_shown_as_a_table_with_its_headers_and_caption():
    """Rows are stored as "Caption – Header: value · Header: value"; the reader sees the table again,
    the quoted row marked, and the prose around it as text (escaped)."""
    from assistant.components.answerer.compose import table_rows
    from web.render import passage_html

    row = "Tabelle 2: Förderquoten – Förderbereich: IT · Anteil: 5 %"
    text = f"Vorab <b>Text</b>.\n\nTabelle 2: Förderquoten – Förderbereich: Notfall · Anteil: 10 %\n\n{row}"

    shown = passage_html(text, [row])

    assert "&lt;b&gt;Text&lt;/b&gt;" in shown
    assert "<caption>Tabelle 2: Förderquoten</caption>" in shown
    assert '<th scope="col">Förderbereich</th><th scope="col">Anteil</th>' in shown
    assert "<tr><td>Notfall</td><td>10 %</td></tr>" in shown
    assert '<tr class="sa-cited-row"><td><mark>IT</mark></td><td><mark>5 %</mark></td></tr>' in shown
    rows = table_rows(text)
    assert [(r.caption, [(c.header, c.value) for c in r.cells]) for r in rows][1] == (
        "Tabelle 2: Förderquoten", [("Förderbereich", "IT"), ("Anteil", "5 %")]
    )
