from ingest.chunking import chunk_blocks, embedding_text
from ingest.model import Block


def count_words(texts):
    return [len(t.split()) for t in texts]


def chunk(blocks, target=40, max_tokens=60, title="Titel"):
    return chunk_blocks(blocks, title=title, count_tokens=count_words, target_tokens=target, max_tokens=max_tokens)


def sentence(n, word="Wort"):
    return " ".join([word] * (n - 1)) + " Ende."


def test_chunks_never_cross_a_section_heading():
    blocks = [
        Block("heading", "Erster Abschnitt", level=2),
        Block("paragraph", "Kurzer Satz eins."),
        Block("heading", "Zweiter Abschnitt", level=2),
        Block("paragraph", "Kurzer Satz zwei."),
    ]
    chunks = chunk(blocks)
    assert [(c.section, c.text) for c in chunks] == [
        ("Erster Abschnitt", "Kurzer Satz eins."),
        ("Zweiter Abschnitt", "Kurzer Satz zwei."),
    ]


def test_list_stays_with_its_introducing_sentence_even_across_a_chunk_boundary():
    blocks = [
        Block("paragraph", sentence(30)),
        Block("paragraph", "Die Arbeitsgruppen sind:"),
        Block("list", "", items=("Gesundheitstechnologien", "Klinische Forschung", "Digitalisierung")),
    ]
    chunks = chunk(blocks, target=35)
    holder = [c for c in chunks if "Klinische Forschung" in c.text]
    assert len(holder) == 1
    assert "Die Arbeitsgruppen sind:\n• Gesundheitstechnologien\n• Klinische Forschung\n• Digitalisierung" in holder[0].text


def test_every_chunk_fits_the_window_with_its_header():
    blocks = [Block("heading", "Abschnitt", level=1)] + [Block("paragraph", sentence(25)) for _ in range(8)]
    blocks.append(Block("paragraph", sentence(200)))  # one run-on sentence longer than the window
    chunks = chunk(blocks, target=40, max_tokens=60)
    for c in chunks:
        assert count_words([embedding_text("Titel", c.section, c.text)])[0] <= 60


def test_long_paragraph_is_split_between_sentences_with_overlap():
    paragraph = " ".join(f"Satz{i} hat genau fünf Wörter." for i in range(12))
    chunks = chunk([Block("paragraph", paragraph)], target=20, max_tokens=60)
    assert len(chunks) > 1
    first_last_sentence = chunks[0].text.split(". ")[-1]
    assert chunks[1].text.startswith(first_last_sentence.rstrip("."))


def test_positions_and_pages_are_recorded():
    blocks = [Block("paragraph", sentence(30), page=1), Block("paragraph", sentence(30), page=2)]
    chunks = chunk(blocks, target=35)
    assert [c.position for c in chunks] == [0, 1]
    assert [c.page for c in chunks] == [1, 2]


def test_nested_heading_path_labels_section():
    blocks = [
        Block("heading", "Kapitel", level=1),
        Block("heading", "Unterkapitel", level=2),
        Block("paragraph", "Text."),
    ]
    assert chunk(blocks)[0].section == "Kapitel › Unterkapitel"
