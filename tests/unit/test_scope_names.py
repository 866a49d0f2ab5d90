"""When a question names a document by its title or a distinctive title word (no store needed)."""

from __future__ import annotations

from assistant.services.scope import _SHORT_TITLE, Names, _names, _tokens


def names(entry: Names, question: str) -> bool:
    return _names(entry, question, _tokens(question))


def test_a_title_counts_only_as_whole_words():
    construction = Names("construction", "Construction")

    assert names(construction, "Wer hat im Bereich Construction die meisten Aufträge?")
    assert not names(construction, 'What is the "Millennial Northern Hemisphere temperature reconstruction" graph?')


def test_a_distinctive_title_word_followed_by_another_name_names_something_else():
    church = Names("umc", "United Methodist Church", words={"united", "methodist"})

    assert not names(church, "What is the second busiest airport in the United States?")
    assert names(church, "Wie viele Mitglieder hat die Kirche laut United Methodist?")
    ulm = Names("ulm", "Strategie der Ulmer Universitätsmedizin", words={"ulmer"})
    assert names(ulm, "Was steht in der Ulmer Strategie zur Pflege?")


def test_a_land_is_named_in_english_or_as_an_adjective_too():
    bavarian = Names("by", "Krankenhausstrategie", regions={"Bayern"})
    saxon_anhalt = Names("st", "Landesstrategie", regions={"Sachsen-Anhalt"})

    for question in ("What does Bavaria plan for hospitals?", "Was plant die bayerische Staatsregierung?"):
        assert names(bavarian, question), question
    assert names(saxon_anhalt, "What is the strategy of Saxony-Anhalt?")
    assert not names(saxon_anhalt, "What is the strategy of Saxony?")


def test_a_short_title_after_the_long_one_in_brackets_is_an_acronym_of_the_document():
    opening = "Verordnung zum Anspruch auf Schutzimpfung\n\n(Coronavirus-Impfverordnung – CoronaImpfV)\n\nVom 31. März 2021"

    assert _SHORT_TITLE.findall(opening) == ["CoronaImpfV"]
    assert _SHORT_TITLE.findall("(Krankenhauszukunftsgesetz - KHZG)") == ["KHZG"]
    # a capitalised word after a dash is no short title: it would narrow every question using it
    assert _SHORT_TITLE.findall("(siehe oben – Tabelle)") == []
