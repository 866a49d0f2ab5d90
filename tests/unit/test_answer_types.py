"""Answer-bearing phrases of the asked type, and what counts as new against the question."""

from __future__ import annotations

from assistant.components.answerer.answer_types import has_count, has_type, typed_spans


def spans(text: str, kind: str, question: str = "") -> list[str]:
    return [text[a:b] for a, b in typed_spans(text, kind, question)]


def test_numbers_in_digits_and_words_but_not_those_the_question_names():
    text = "In sechs Regionen haben sich insgesamt 14 Krankenhäuser zusammengeschlossen."
    assert spans(text, "number") == ["sechs", "14"]
    assert spans(text, "number", "Wie viele der 14 Krankenhäuser …?") == ["sechs"]
    # a negation counts nothing: "nenne keine Quellen" is no answer to "wie viele"
    assert not has_type("Antworte nur mit X und nenne keine Quellen.", "number")


def test_dates_legal_references_and_list_numbers_count_nothing():
    """"Wie viele Impfdosen …?" is not answered by a date, a paragraph or a list item's number."""
    assert not has_type("Die Länder haben dies nach dem Beschluss vom 6. November 2020 benannt.", "number")
    assert not has_type("(3) Ausgeschlossen sind:\n1. die Kosten nach § 10 Abs. 3 Nr. 3", "number")
    assert not has_type("Die Regel gilt bis 2025 und steht auf Seite 12.", "number")
    assert not has_type("Dazu kommen kontaktreduzierende Maßnahmen (s. Tab. 1 und Abb. 2).", "number")
    assert spans("Seit 2005 kamen 1500 Mitarbeiter und 20 Prozent mehr Zentren hinzu.", "number") == ["1500", "20 Prozent"]
    assert spans("Am 1. Januar 2021 lagen 3 Millionen Dosen vor.", "number") == ["3 Millionen"]
    assert not has_type("Der Schlüssel gliedert sich so:\n1. – 2. Stelle = Land\n6. – 9. Stelle = Gemeinde", "number")
    assert spans("Es lagen 123.016 Fälle vor, die Zahl stieg auf 14.", "number") == ["123.016", "14"]


def test_amounts_need_a_currency():
    assert spans("Der Bund stellt 3 Milliarden Euro bereit.", "amount") == ["3 Milliarden Euro"]
    assert spans("Der Zuschuss beträgt 4,5 Mio. €.", "amount") == ["4,5 Mio. €"]
    assert not has_type("Der Verbund besteht aus vier Universitätskliniken.", "amount")


def test_dates_years_decades_and_centuries():
    assert spans("Die Verordnung gilt seit dem 1. April 2021.", "date")
    assert spans("Anfang der 1970er-Jahre vollendete ABC den Übergang.", "date") == ["1970er"]
    assert spans("im frühen neunzehnten Jahrhundert", "date") == ["neunzehnten Jahrhundert"]
    assert not has_type("Der Verbund wurde gegründet, um Projekte voranzutreiben.", "date")


def test_organisations_and_people():
    assert "BWKG" in spans("Der BWKG agiert als Koordinator.", "who")
    assert spans("Laut Heiner Scheffold umfasst der Verbund …", "who", "Wer sagt das?")[0] == "Heiner Scheffold"
    assert not has_type("Der Verbund besteht aus Kliniken.", "who", "Aus welchen Kliniken besteht der Verbund?")


def test_a_count_is_no_article_and_no_sum_of_money():
    """"Wie viele Gemeinden …?" is not answered by "in einer Regionalsprache", and "Wie viele
    Beratungen …?" not by "einmalig 10 Euro"; "nur eine Gemeinde" and "25 Beratungen" count."""
    assert not has_count("Die Namen der Gemeinden stehen in einer Regionalsprache.", counted=("Gemeinden",))
    assert has_count("Nur eine Gemeinde hat einen sorbischen Namen.", counted=("Gemeinden",))
    assert not has_count("Die Beratung zu SARS-CoV-2 und COVID-19 ist kostenlos.", counted=("Beratungen",))
    assert not has_count("Die Vergütung für eine Beratung beträgt einmalig 10 Euro.", "Wie viele Beratungen?", ("Beratungen",))
    assert has_count("Die Ausstattung beträgt 37,6 Mrd. $.", "Wie groß ist die Ausstattung?", ("Ausstattung",))
    assert has_count("Es wurden 25 Beratungen zu je 10 Euro abgerechnet.", "Wie viele Beratungen?", ("Beratungen",))
    # asked for money, money counts
    assert has_count("Der Fonds umfasst 3 Milliarden Euro.", counted=("Euro",))


def test_digits_grouped_by_spaces_are_one_figure():
    """Official German texts group thousands by spaces: the highlight of "rund 300 000 Euro" is the
    whole sum, not "000 Euro"."""
    assert spans("Die Kosten belaufen sich auf rund 300 000 Euro je Monat.", "amount") == ["300 000 Euro"]
    assert spans("Es entsteht ein Aufwand von etwa 12\u202f800 Euro.", "amount") == ["12\u202f800 Euro"]
    assert spans("Im Jahr 2021 wurden 1 200 000 Dosen und 308 Tests geliefert.", "number", "Wie viele?") == ["1 200 000", "308"]


def test_a_length_of_time_counts_no_things_unless_time_is_counted():
    text = "Eine Dauer von 0 Tagen lässt sich durch Fälle erklären, die erst nach dem Test Symptome zeigten."
    assert not has_count(text, "How many tests per week were carried out?")
    assert not has_count(text, "Wie viele Tests wurden pro Woche durchgeführt?", ("Tests",))
    assert has_count(text, "How many days can pass between test and symptoms?")
    assert has_count("Der Vorgang dauert 14 Tage.", "Wie viele Tage dauert der Vorgang?", ("Tage",))
    assert has_count("In 7 Tagen wurden 1.200 Tests durchgeführt.", "Wie viele Tests wurden durchgeführt?", ("Tests",))


def test_a_frequency_answers_how_often_but_counts_nothing():
    text = "Die Gesundheitsregionen berichten jährlich an das Ministerium."
    assert has_type(text, "number", "Wie oft berichten die Gesundheitsregionen?")
    assert has_type("The data is updated every two weeks.", "number", "How often is the data updated?")
    assert has_type("Der Datensatz wird alle fünf Jahre erneuert.", "number", "Wie häufig wird er erneuert?")
    assert not has_type(text, "number", "Wie viele Gesundheitsregionen berichten?")
    assert has_type("Der Verbund wird regelmäßig Veranstaltungen organisieren.", "number", "Wie oft trifft sich der Verbund?")
