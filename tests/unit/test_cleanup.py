from pathlib import Path

from ingest.cleanup import clean_blocks
from ingest.loaders import parse_document
from ingest.model import Block
from ingest.sentences import split_sentences

# The shipped corpus holds the seed texts unchanged (../shared/seeds).
CORPUS = Path(__file__).resolve().parents[2] / "corpus"
NRW_SEED = CORPUS / "strategie-medizin-nrw.txt"
BW_SEED = CORPUS / "kompetenzverbund-bw.txt"

SHARE_LINES = ("Beitrag teilen:", "X", "LinkedIn", "Mail", "Link kopieren")


def paragraph(text: str) -> Block:
    return Block("paragraph", text)


def bullet_list(*items: str) -> Block:
    return Block("list", "\n".join(f"• {item}" for item in items), items=items)


def cleaned_text(text: str) -> list[Block]:
    return clean_blocks(parse_document(text.encode("utf-8"), "seite.txt").blocks)


def all_sentences(blocks: list[Block]) -> list[str]:
    return [
        sentence for block in blocks if block.kind == "paragraph" for sentence in split_sentences(block.text)
    ]


# --- seeds -------------------------------------------------------------------------------


def test_nrw_seed_loses_share_button_lines():
    raw = parse_document(NRW_SEED.read_bytes(), NRW_SEED.name).blocks
    assert [block.text for block in raw[-5:]] == list(SHARE_LINES)  # the debris is really there
    cleaned = clean_blocks(raw)
    assert cleaned == raw[:-5]
    assert cleaned[-1].text.endswith("findet sich hier.")


def test_nrw_seed_keeps_list_after_its_introduction_and_headings():
    cleaned = clean_blocks(parse_document(NRW_SEED.read_bytes(), NRW_SEED.name).blocks)
    index = next(i for i, block in enumerate(cleaned) if "Gesundheitstechnologien," in block.items)
    assert cleaned[index].items == (
        "Gesundheitstechnologien,",
        "Klinische Forschung,",
        "Digitalisierung und Personalisierung.",
    )
    assert cleaned[index - 1].text.endswith("in drei Arbeitsgruppen zusammengefasst:")
    assert "Strategieprozess" in [block.text for block in cleaned if block.kind == "heading"]


def test_bw_seed_has_no_repeated_sentence_and_the_outlook_sentence_once():
    cleaned = clean_blocks(parse_document(BW_SEED.read_bytes(), BW_SEED.name).blocks)
    sentences = all_sentences(cleaned)
    assert len(sentences) == len(set(sentences))
    text = "\n".join(block.text for block in cleaned)
    assert text.count("In Zukunft wird der Verbund regelmäßig Veranstaltungen organisieren") == 1


REPEATED_TAIL = (
    "betont, dass weitere Themen wie die Digitalisierung von pathologischen Befunden oder die Schaffung "
    "standardisierter und digitaler Betten- und Belegungsübersichten angegangen werden sollen. Der Verbund "
    "setzt sich auch für eine verbesserte Nutzung von künstlicher Intelligenz und Big Data ein. "
)


def test_bw_seed_with_scrape_glitch_reads_naturally_after_cleanup():
    # The glitch as scraped elsewhere: a sentence cut off mid-line, then a repeat of earlier text.
    anchor = "Zusammenarbeit zu ermöglichen. "
    seed = BW_SEED.read_text(encoding="utf-8")
    glitched = seed.replace(anchor, anchor + "In Zukunft wird der Verbund\n" + REPEATED_TAIL)
    assert glitched != seed
    cleaned = cleaned_text(glitched)
    text = "\n".join(block.text for block in cleaned)
    assert (
        "Zusammenarbeit zu ermöglichen. In Zukunft wird der Verbund regelmäßig Veranstaltungen organisieren"
        in text
    )
    assert text.count("In Zukunft wird der Verbund") == 1
    assert text.count("Scheffold betont, dass weitere Themen") == 1
    assert text.count("Der Verbund setzt sich auch für eine verbesserte Nutzung") == 1
    sentences = all_sentences(cleaned)
    assert len(sentences) == len(set(sentences))


def test_cleanup_is_idempotent_on_seeds():
    for seed in (NRW_SEED, BW_SEED):
        once = clean_blocks(parse_document(seed.read_bytes(), seed.name).blocks)
        assert clean_blocks(once) == once


# --- web-page chrome ---------------------------------------------------------------------


def test_trailing_share_heading_and_list_are_dropped():
    blocks = [
        Block("heading", "Strategie", level=1),
        paragraph("Das Land fördert die Forschung."),
        Block("heading", "Diesen Artikel teilen", level=2),
        bullet_list("Facebook", "Twitter", "WhatsApp", "E-Mail"),
    ]
    assert clean_blocks(blocks) == blocks[:2]


def test_trailing_short_lines_without_chrome_words_are_kept():
    blocks = [
        paragraph("Das Land fördert die Forschung."),
        paragraph("Weitere Informationen"),
        paragraph("Stand März 2024"),
    ]
    assert clean_blocks(blocks) == blocks


def test_short_lines_before_the_first_chrome_line_are_kept():
    blocks = [
        paragraph("Das Land fördert die Forschung."),
        paragraph("Stand März 2024"),
        paragraph("Seite drucken"),
        paragraph("nach oben"),
    ]
    assert clean_blocks(blocks) == blocks[:2]


def test_trailing_contact_details_are_kept():
    blocks = [
        paragraph("Das Land fördert die Forschung."),
        Block("heading", "Kontakt", level=2),
        bullet_list("E-Mail: info@medizin.nrw", "Telefon 0211 123456"),
    ]
    assert clean_blocks(blocks) == blocks


def test_trailing_list_mentioning_one_navigation_word_is_kept():
    blocks = [
        paragraph("Das Land fördert die Forschung."),
        Block("heading", "Weitere Themen", level=2),
        bullet_list("Datenschutz", "Telemedizin"),
    ]
    assert clean_blocks(blocks) == blocks


def test_trailing_footer_of_navigation_links_is_dropped():
    blocks = [paragraph("Das Land fördert die Forschung."), paragraph("Impressum"), paragraph("Datenschutz")]
    assert clean_blocks(blocks) == blocks[:1]


def test_trailing_sentence_mentioning_sharing_is_kept():
    blocks = [
        paragraph("Das Land fördert die Forschung."),
        paragraph("Bitte teilen Sie uns Ihre Meinung per Mail mit."),
    ]
    assert clean_blocks(blocks) == blocks


def test_isolated_run_of_chrome_lines_in_the_middle_is_dropped():
    blocks = [
        paragraph("Erster Absatz mit Inhalt."),
        paragraph("Teilen"),
        paragraph("Facebook"),
        paragraph("Xing"),
        paragraph("Zweiter Absatz mit Inhalt."),
    ]
    assert clean_blocks(blocks) == [blocks[0], blocks[4]]


def test_single_chrome_word_in_the_middle_is_kept():
    blocks = [
        paragraph("Erster Absatz mit Inhalt."),
        Block("heading", "Newsletter", level=2),
        paragraph("Der Newsletter erscheint monatlich."),
    ]
    assert clean_blocks(blocks) == blocks


def test_chrome_lines_inside_a_multiline_paragraph_are_removed():
    blocks = [
        paragraph("Kontaktieren Sie uns gern.\nDrucken\nTeilen\nWir antworten schnell."),
        paragraph("Ende."),
    ]
    assert clean_blocks(blocks) == [
        paragraph("Kontaktieren Sie uns gern.\nWir antworten schnell."),
        paragraph("Ende."),
    ]


def test_leading_breadcrumb_is_dropped_but_plain_leading_heading_kept():
    body = [Block("heading", "Die Strategie", level=1), paragraph("Das Land fördert die Forschung.")]
    assert clean_blocks([paragraph("Startseite > Themen > Gesundheit"), *body]) == body
    assert clean_blocks(body) == body


# --- scrape repetition -------------------------------------------------------------------


def test_sentence_repeated_in_a_later_paragraph_is_dropped():
    blocks = [
        paragraph("Die Kliniken arbeiten eng zusammen. Das Land fördert sie."),
        paragraph("Neu ist die Telemedizin. Die Kliniken arbeiten eng zusammen."),
    ]
    assert clean_blocks(blocks) == [blocks[0], paragraph("Neu ist die Telemedizin.")]


def test_sentence_contained_in_an_earlier_sentence_is_dropped():
    blocks = [
        paragraph("Laut Vorstand sollen die Kliniken bei der Digitalisierung unterstützt werden."),
        paragraph("Die Kliniken bei der Digitalisierung unterstützt werden. Neu ist das Budget."),
    ]
    assert clean_blocks(blocks)[1] == paragraph("Neu ist das Budget.")


def test_sentences_sharing_a_long_formulaic_ending_are_kept():
    blocks = [
        paragraph("Die Telemedizin wird im ganzen Land gezielt gefördert und weiter ausgebaut."),
        paragraph("Auch die Pflege wird im ganzen Land gezielt gefördert und weiter ausgebaut."),
    ]
    assert clean_blocks(blocks) == blocks


def test_fragment_glued_to_a_repetition_is_dropped_when_a_later_sentence_completes_it():
    blocks = [
        paragraph("Der Vorstand betont, dass die Kliniken bei der Digitalisierung unterstützt werden."),
        paragraph(
            "Neu ist das Budget. Künftig will der Verbund betont, dass die Kliniken bei der Digitalisierung "
            "unterstützt werden. Künftig will der Verbund Veranstaltungen organisieren."
        ),
    ]
    assert clean_blocks(blocks)[1] == paragraph(
        "Neu ist das Budget. Künftig will der Verbund Veranstaltungen organisieren."
    )


def test_short_repeated_sentences_are_kept():
    blocks = [paragraph("Das ist gut. Weiter geht es."), paragraph("Das ist gut. Mehr folgt später.")]
    assert clean_blocks(blocks) == blocks


def test_paragraph_made_only_of_repetitions_disappears():
    blocks = [
        paragraph("Die Kliniken arbeiten eng zusammen."),
        paragraph("Die Kliniken arbeiten eng zusammen."),
    ]
    assert clean_blocks(blocks) == blocks[:1]


def test_truncated_fragment_that_starts_a_later_sentence_is_dropped():
    blocks = [
        paragraph("Der Verbund wird künftig"),
        paragraph("Der Verbund wird künftig regelmäßig Veranstaltungen organisieren."),
    ]
    assert clean_blocks(blocks) == blocks[1:]


def test_unmatched_fragment_is_kept():
    blocks = [paragraph("Der Verbund wird künftig"), paragraph("Ganz andere Aussagen folgen hier.")]
    assert clean_blocks(blocks) == blocks


def test_headings_and_lists_are_never_rewritten():
    blocks = [
        paragraph("Die Kliniken arbeiten eng zusammen in allen Regionen."),
        Block("heading", "Die Kliniken arbeiten eng zusammen in allen Regionen", level=2),
        bullet_list("Die Kliniken arbeiten eng zusammen in allen Regionen.", "Zweiter Punkt"),
    ]
    assert clean_blocks(blocks) == blocks


def test_untouched_paragraphs_keep_their_exact_text():
    blocks = [paragraph("Erste Zeile.\nZweite  Zeile mit Abstand.")]
    assert clean_blocks(blocks)[0] is blocks[0]
