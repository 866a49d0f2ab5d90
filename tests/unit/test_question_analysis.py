"""What a question asks for: answer type, content words, constraints and parts (no model needed)."""

from __future__ import annotations

import pytest

from assistant.components.answerer.question import (
    analyse,
    answer_type,
    asked_words,
    constraints_of,
    content_words,
    split_parts,
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Wie hoch ist das jährliche Budget des Kompetenzverbunds in Euro?", "amount"),
        ("Mit wie vielen Euro fördert das Land den Verbund?", "amount"),
        ("How much funding has the state set aside?", "amount"),
        ("Wie viele Krankenhäuser haben sich zusammengeschlossen?", "number"),
        ("How many hospitals are part of the network?", "number"),
        ("In welchem Jahr wurde der Verbund gegründet?", "date"),
        ("Bis zu welchem Stichtag müssen die Systeme umgestellt sein?", "date"),
        ("Welche maximale Dateigröße ist pro Upload erlaubt?", "number"),
        ("Welche Mindestanzahl an Betten ist vorgeschrieben?", "number"),
        ("When was the network founded?", "date"),
        ("Wer koordiniert den Kompetenzverbund?", "who"),
        ("Who coordinates the network?", "who"),
        ("Wo wird die Strategie festgehalten?", "place"),
        ("Warum wurde der Verbund gegründet?", "reason"),
        ("Zu welchem Zweck wurde der Verbund ins Leben gerufen?", "reason"),
        ("For what purpose was the network set up?", "reason"),
        ("Was ist die Vision des Clusters?", "definition"),
        ("Gibt es in NRW ländliche Räume?", "yesno"),
        ("What did Tesla do when he left Edison?", "other"),  # "when" mid-question asks for no date
        ("Welche Kosten erwartet der Entwurf für den Bund?", "amount"),
        ("Welche Kosten sind von der Erstattung ausgeschlossen?", "other"),  # which costs: a list

        ("Welche Ausgaben werden gefördert?", "other"),
        # what someone is paid is an amount of money, not a count
        ("Wie viel erhält eine Arztpraxis je Impfung?", "amount"),
        ("How much do pharmacies get per vial?", "amount"),
        ("How much time do the states get?", "number"),
        # German "Was" is "what", English "Was" asks yes or no
        ("Was hat der Verbund beschlossen?", "other"),
        ("Was the network founded in 2020?", "yesno"),
        ("What was the population of Warsaw in 1901?", "number"),
        ("What is the size of the network's budget?", "number"),
    ],
)
def test_answer_type_follows_the_question_word(question, expected):
    assert answer_type(question) == expected


def test_only_named_dates_numbers_and_amounts_are_strict():
    assert analyse("In welchem Jahr wurde der Verbund gegründet?", "de").strict_type
    assert analyse("Wie viele Kliniken gibt es?", "de").strict_type
    assert not analyse("Wann tritt eine Immunschwäche auf?", "de").strict_type  # "wenn …" may answer it
    assert not analyse("Wer koordiniert den Verbund?", "de").strict_type


def test_content_words_drop_question_function_and_comparison_words():
    assert content_words("Wie unterscheiden sich die Ziele von NRW und BW?") == ["Ziele", "NRW", "BW"]
    assert content_words("Who coordinates the competence network?") == ["coordinates", "competence", "network"]
    assert content_words("Woran muss sich ein Projekt halten?") == ["Projekt", "halten"]


def test_regions_are_found_in_german_and_english_and_not_inside_other_names():
    assert [r.code for r in constraints_of("Welche Strategie verfolgt Bayern?").regions] == ["BY"]
    assert [r.code for r in constraints_of("What is Bavaria's hospital strategy?").regions] == ["BY"]
    assert [r.code for r in constraints_of("Die bayerische Staatsregierung plant …").regions] == ["BY"]
    assert [r.code for r in constraints_of("Wie arbeiten NRW und Baden-Württemberg zusammen?").regions] == ["NRW", "BW"]
    assert constraints_of("Was plant Niedersachsen?").regions[0].code == "NI"  # not Sachsen
    assert constraints_of("Was plant Sachsen-Anhalt?").regions[0].code == "ST"


def test_years_are_hard_constraints_numbers_and_acronyms_soft():
    constraints = constraints_of("Welche Mittel sieht das KHZG 2021 für 3 Länder vor?")
    assert constraints.years == ("2021",)
    assert constraints.numbers == ("3",)
    assert "KHZG" in constraints.names
    assert constraints.hard == ("2021",)


def test_a_question_about_two_named_things_splits_into_one_per_name():
    parts = split_parts("Wie unterscheiden sich die Aktualisierungsrhythmen von Notaufnahmesurveillance und AKTIN?")
    assert parts is not None
    assert parts.labels == ("Notaufnahmesurveillance", "AKTIN")
    assert parts.questions[1] == "Wie unterscheiden sich die Aktualisierungsrhythmen von AKTIN?"

    regions = split_parts("What are the goals of NRW and Baden-Württemberg?")
    assert regions is not None and regions.labels == ("NRW", "Baden-Württemberg")


def test_two_questions_in_one_split_at_the_second_question_word():
    parts = split_parts("Wann wurde der Verbund gegründet und wie viele Kliniken gehören dazu?")
    assert parts is not None
    assert parts.questions == ("Wann wurde der Verbund gegründet?", "Wie viele Kliniken gehören dazu?")
    assert parts.clauses  # two questions: each gets its own answer
    assert not split_parts("Wie unterscheiden sich die Ziele von NRW und BW?").clauses


def test_no_split_for_one_question_or_an_elliptic_compound():
    assert split_parts("Wer koordiniert den Kompetenzverbund?") is None
    assert split_parts("Welche Rolle spielt die Informations- und IT-Sicherheit?") is None
    # two ordinary nouns name one topic, not two things to answer separately
    assert split_parts("Welche Rolle spielen Forschung und Entwicklung?") is None
    assert split_parts("Aus welchen Partnern besteht der Kompetenzverbund Qualitätsmedizin und Digitalisierung?") is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Wie viele neue Kliniken gehören zum Verbund?", ["Kliniken"]),
        ("Welches Bußgeld droht einer Arztpraxis?", ["Bußgeld"]),
        ("Wie hoch ist das jährliche Budget des Kompetenzverbunds?", ["Budget"]),
        ("Wie viele Todesfälle wurden übermittelt?", ["Todesfälle"]),
        # the noun names the kind of answer, not the fact
        ("In welchem Jahr wurde der Verbund gegründet?", []),
        ("Wie hoch ist der Anteil der Länder?", []),
        # a verb follows: the question names no noun
        ("Wie viel erhält eine Arztpraxis je Impfung?", []),
    ],
)
def test_the_noun_a_question_asks_for(question, expected):
    assert asked_words(question) == expected


def test_the_asked_noun_is_a_condition_only_for_german_number_amount_and_date_questions():
    assert analyse("Welches Bußgeld droht einer Arztpraxis?", "de").counted == ("Bußgeld",)
    assert analyse("Welche Ziele verfolgt der Verbund?", "de").counted == ()  # no strict type
    assert analyse("How many hospitals belong to the network?", "en").counted == ()


def test_hyphenated_terms_are_names_the_documents_must_mention():
    assert "Konnektor-Update" in constraints_of("Welche Kosten entstehen für das Konnektor-Update?").names
    assert "DESH-Plattform" in constraints_of("Welche Dateigröße erlaubt die DESH-Plattform?").names


def test_a_hyphenated_region_is_a_region_and_not_a_name_to_find_in_its_english_spelling():
    # German documents write "Nordrhein-Westfalen": "Rhine-Westphalia" stands nowhere in them.
    constraints = constraints_of("Does North Rhine-Westphalia have rural areas?", "en")
    assert constraints.names == () and [r.code for r in constraints.regions] == ["NRW"]


def test_a_place_after_an_administrative_unit_is_a_hard_constraint_in_german_questions():
    stuttgart = constraints_of("Welche Kliniken sind in der Region Stuttgart benannt?")
    assert stuttgart.places == ("Stuttgart",) and "Stuttgart" in stuttgart.hard
    assert constraints_of("Was plant der Landkreis Esslingen?").places == ("Esslingen",)
    assert constraints_of("Welche Kliniken gibt es in der Region?").places == ()
    assert constraints_of("Which hospitals are named in the region Munich?", "en").places == ()  # "München"


def test_a_name_in_brackets_is_a_name_the_documents_must_mention_in_either_language():
    assert "Janssen" in constraints_of("What interval applies to the J&J (Janssen) vaccine?", "en").names
    assert "Janssen" in constraints_of("Welcher Abstand gilt für den Impfstoff (Janssen)?").names
    assert constraints_of("Welche Kosten (in Euro) entstehen?").names == ()


def test_a_named_place_in_a_law_is_a_constraint_and_not_content_words():
    analysis = analyse("Welche Kosten sind nach § 10 Absatz 3 von der Erstattung ausgeschlossen?", "de")

    assert [p.label() for p in analysis.constraints.legal] == ["§ 10 Abs. 3"]
    assert "10" not in analysis.words and "Absatz" not in analysis.words
    assert "10" not in analysis.constraints.numbers
    assert [p.label() for p in constraints_of("Which data must be sent under § 7 and Art. 2?").legal] == ["§ 7", "Art. 2"]
    assert constraints_of("Wie viele Zentren gibt es?").legal == ()
