"""German analyzer and BM25 index (no model, no files outside tmp_path)."""

from __future__ import annotations

import pickle
import threading

import numpy as np
import pytest

from assistant.components.lexical import (
    DEFAULT_B,
    DEFAULT_K1,
    STOPWORDS_DE_CORE,
    STOPWORDS_DE_EXTENDED,
    GermanAnalyzer,
    LexicalIndex,
)

DOCS = {
    "kh": "Die Krankenhäuser in Baden-Württemberg werden nach dem Landeskrankenhausgesetz gefördert.",
    "bwkg": "Die BWKG vertritt als Baden-Württembergische Krankenhausgesellschaft die Träger der Kliniken.",
    "digital": "Die Digitalisierungsstrategie des Landes stärkt die Telemedizin und die elektronische Patientenakte.",
    "pflege": "Pflegekräfte werden in der Ausbildung durch neue Studiengänge an Hochschulen unterstützt.",
    "strasse": "Die Straße zum Universitätsklinikum Freiburg wird ausgebaut; das Großprojekt kostet viel.",
    "finanz": "Die Krankenhausfinanzierung beruht auf Investitionskosten des Landes und Fallpauschalen.",
    "forschung": "Forschung zu Künstlicher Intelligenz in der Medizin wird an den Universitäten gefördert.",
    "nrw": "Nordrhein-Westfalen fördert die Hochschulmedizin mit einer eigenen Strategie.",
}
IDS = list(DOCS)
TEXTS = list(DOCS.values())

PLAIN = GermanAnalyzer(compounds="none")
NGRAMS = GermanAnalyzer(compounds="ngrams", ngram_size=4, ngram_min_len=4)


# -- analyzer ---------------------------------------------------------------------------------


def test_tokenize_umlauts_sz_hyphen_and_abbreviation():
    a = GermanAnalyzer(compounds="none", stopwords="core")
    assert a.tokenize("Baden-Württemberg") == ["bad", "wurttemberg"]
    assert a.tokenize("BWKG") == ["bwkg"]
    assert a.tokenize("Straße") == a.tokenize("Strasse") == ["strass"]
    assert a.tokenize("Größe") == ["gross"]
    # token pattern [^\W_]+: underscores and punctuation split, digits stay
    assert a.tokenize("Pflege_Bericht 2030!") == ["pfleg", "bericht", "2030"]


def test_words_before_analysis():
    a = GermanAnalyzer(compounds="none")
    assert a.words("Die BWKG in Baden-Württemberg") == ["die", "bwkg", "in", "baden", "württemberg"]
    assert GermanAnalyzer(lowercase=False).words("Die BWKG") == ["Die", "BWKG"]
    assert a.words("") == [] and a.tokenize("") == []


def test_invisible_characters_and_unicode_normalisation():
    a = GermanAnalyzer(compounds="none")
    # soft hyphen inside a word (as in the Wikipedia texts) and a decomposed "ä"
    assert a.tokenize("Kranken\u00adhaus") == a.tokenize("Krankenhaus") == ["krankenhaus"]
    assert a.tokenize("Kra\u0308nkung") == a.tokenize("Kränkung")
    assert a.tokenize("Stuttgart\u00a0Mitte") == ["stuttgart", "mitt"]  # no-break space splits


def test_stemming_merges_plural_and_umlaut_forms():
    a = GermanAnalyzer(compounds="none")
    assert a.tokenize("Krankenhäuser") == a.tokenize("Krankenhaus") == ["krankenhaus"]
    assert a.tokenize("Krankenhaeuser") == ["krankenhaus"]  # the stemmer reads "ae" as "ä"
    assert a.tokenize("Kliniken") == a.tokenize("Klinik")
    # without stemming only folding applies: the plural stays different
    unstemmed = GermanAnalyzer(stem=False, compounds="none")
    assert unstemmed.tokenize("Krankenhäuser") == ["krankenhauser"]
    assert unstemmed.tokenize("Krankenhaus") == ["krankenhaus"]
    digraph = GermanAnalyzer(stem=False, fold="digraph", compounds="none")
    assert digraph.tokenize("Krankenhäuser Straße") == ["krankenhaeuser", "strasse"]
    assert GermanAnalyzer(stem=False, fold="none", compounds="none").tokenize("Häuser") == ["häuser"]


def test_stop_words_dropped():
    a = GermanAnalyzer(compounds="none", stopwords="core")
    assert a.tokenize("Wann wurde das Krankenhaus in der Stadt gebaut?") == ["krankenhaus", "stadt", "gebaut"]
    assert a.tokenize("und oder aber die der das") == []
    assert "wurde" in STOPWORDS_DE_CORE and "krankenhaus" not in STOPWORDS_DE_EXTENDED
    assert {"wann", "wurde", "welche"} <= STOPWORDS_DE_CORE
    assert "krankenhaus" not in STOPWORDS_DE_CORE | STOPWORDS_DE_EXTENDED
    assert "jahr" in STOPWORDS_DE_EXTENDED and "jahr" not in STOPWORDS_DE_CORE
    kept = GermanAnalyzer(compounds="none", stopwords="none")
    assert kept.tokenize("und oder") == ["und", "oder"]
    extended = GermanAnalyzer(compounds="none", stopwords="extended")
    assert extended.tokenize("In welchem Jahr?") == []


def test_capitalised_stop_words_without_lowercasing():
    a = GermanAnalyzer(lowercase=False, stem=False, compounds="none", stopwords="core")
    assert a.tokenize("Die Klinik und Der Träger") == ["Klinik", "Trager"]


def test_compound_ngrams_are_marked_and_only_for_long_words():
    a = GermanAnalyzer(compounds="ngrams", ngram_size=4, ngram_min_len=6)
    terms = a.tokenize("Krankenhausfinanzierung im Land")
    assert terms[0] == "krankenhausfinanzier"
    grams = [t for t in terms if t.startswith("#")]
    assert "#haus" in grams and "#finan" not in grams and "#fina" in grams
    assert len(grams) == len("krankenhausfinanzierung") - 3
    assert terms[-1] == "land"  # 4 letters < ngram_min_len: no n-grams
    assert a.content_terms("Krankenhausfinanzierung im Land") == {"krankenhausfinanzier", "land"}


def test_tokenize_many_equals_tokenize():
    for a in (PLAIN, NGRAMS, GermanAnalyzer(stopwords="none", stem=False, fold="none")):
        assert a.tokenize_many(TEXTS) == [a.tokenize(t) for t in TEXTS]
        assert a.tokenize_many([]) == []


def test_content_terms():
    q = "Wann wurde das Krankenhaus in Baden-Württemberg gebaut?"
    expected = {"krankenhaus", "bad", "wurttemberg", "gebaut"}
    assert GermanAnalyzer().content_terms(q) == expected
    assert NGRAMS.content_terms(q) == expected  # never n-grams
    # stop words go even when the analyzer indexes them
    assert GermanAnalyzer(stopwords="none").content_terms(q) == expected
    assert GermanAnalyzer().content_terms("und die der") == set()


def test_analyzer_options_are_validated_and_comparable():
    with pytest.raises(ValueError):
        GermanAnalyzer(fold="latin")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        GermanAnalyzer(stopwords="french")
    with pytest.raises(ValueError):
        GermanAnalyzer(compounds="split")  # type: ignore[arg-type]
    a = GermanAnalyzer(stopwords="core")
    assert a == GermanAnalyzer.from_config(a.config())
    assert hash(a) == hash(GermanAnalyzer(stopwords="core"))
    assert a != GermanAnalyzer(stopwords="none")
    b = pickle.loads(pickle.dumps(a))
    assert b == a and b.tokenize("Krankenhäuser") == a.tokenize("Krankenhäuser")


# -- index ------------------------------------------------------------------------------------


@pytest.fixture(params=[PLAIN, NGRAMS], ids=["words", "ngrams"])
def analyzer(request) -> GermanAnalyzer:
    return request.param


def test_search_ranks_the_obvious_document_first(analyzer):
    index = LexicalIndex(IDS, TEXTS, analyzer=analyzer)
    assert len(index) == len(IDS) and index.ids == IDS
    cases = {
        "Wie werden Krankenhäuser in Baden-Württemberg gefördert?": "kh",
        "Was ist die BWKG?": "bwkg",
        "elektronische Patientenakte und Telemedizin": "digital",
        "Straße zum Klinikum in Freiburg": "strasse",
        "Künstliche Intelligenz Forschung": "forschung",
    }
    for query, expected in cases.items():
        ids, scores = index.search(query, k=3)
        assert ids[0] == expected, (query, ids)
        assert len(ids) == len(scores) <= 3
        assert np.all(np.diff(scores) <= 0) and np.all(scores > 0)


def test_ngrams_match_parts_of_compounds():
    words = LexicalIndex(IDS, TEXTS, analyzer=PLAIN)
    grams = LexicalIndex(IDS, TEXTS, analyzer=NGRAMS)
    # "Finanzierung" only occurs inside "Krankenhausfinanzierung"
    assert "finanz" not in words.search("Finanzierung", k=5)[0]
    assert grams.search("Finanzierung", k=5)[0][0] == "finanz"


def test_search_returns_only_matching_documents():
    index = LexicalIndex(IDS, TEXTS, analyzer=PLAIN)
    ids, scores = index.search("Telemedizin", k=10)
    assert ids == ["digital"] and scores.shape == (1,)
    assert index.search("Telemedizin", k=0) == ([], pytest.approx(np.zeros(0)))


def test_score_all_matches_search():
    index = LexicalIndex(IDS, TEXTS, analyzer=NGRAMS)
    q = "Förderung der Krankenhäuser"
    full = index.score_all(q)
    ids, scores = index.search(q, k=len(index))
    assert full.shape == (len(IDS),)
    np.testing.assert_allclose(scores, [full[index.position(i)] for i in ids])
    np.testing.assert_allclose(index.score_all_tokens(index.analyzer.tokenize(q)), full)


def test_ties_keep_index_order():
    index = LexicalIndex(["b", "a", "c"], ["Klinik Ulm", "Klinik Ulm", "Klinik Ulm"], analyzer=PLAIN)
    ids, scores = index.search("Klinik", k=2)
    assert ids == ["b", "a"] and scores[0] == scores[1]


def test_mask_excludes_documents_inside_scoring(analyzer):
    index = LexicalIndex(IDS, TEXTS, analyzer=analyzer)
    q = "Krankenhäuser in Baden-Württemberg"
    assert index.search(q, k=1)[0] == ["kh"]
    mask = np.ones(len(index), dtype=bool)
    mask[index.position("kh")] = False
    ids, _ = index.search(q, k=len(index), mask=mask)
    assert "kh" not in ids and ids[0] == "bwkg"
    # top-k is taken after filtering: k=1 still returns a document
    assert index.search(q, k=1, mask=mask)[0] == ["bwkg"]
    # only masked-out documents match: nothing comes back
    only_kh = ~mask
    assert index.search("Telemedizin", k=5, mask=only_kh)[0] == []


def test_float_mask_weights_scores():
    index = LexicalIndex(IDS, TEXTS, analyzer=PLAIN)
    q = "Krankenhäuser in Baden-Württemberg"
    base = index.score_all(q)
    weights = np.full(len(index), 1.0)
    weights[index.position("kh")] = 0.0
    weights[index.position("bwkg")] = 0.5
    np.testing.assert_allclose(index.score_all(q, mask=weights), base * weights)
    ids, scores = index.search(q, k=10, mask=weights)
    assert "kh" not in ids
    assert scores[ids.index("bwkg")] == pytest.approx(0.5 * base[index.position("bwkg")])
    with pytest.raises(ValueError):
        index.search(q, mask=np.ones(3))
    with pytest.raises(ValueError):
        index.search(q, mask=-weights)


def _assert_same_results(a: LexicalIndex, b: LexicalIndex, queries: list[str]) -> None:
    assert a.ids == b.ids
    for q in queries:
        np.testing.assert_allclose(a.score_all(q), b.score_all(q), rtol=1e-12, atol=0)
        ids_a, s_a = a.search(q, k=5)
        ids_b, s_b = b.search(q, k=5)
        assert ids_a == ids_b
        np.testing.assert_allclose(s_a, s_b, rtol=1e-12, atol=0)


QUERIES = [
    "Krankenhäuser in Baden-Württemberg",
    "BWKG Krankenhausgesellschaft",
    "Finanzierung der Kliniken",
    "Hochschulmedizin Strategie",
    "Pflege Ausbildung Studium",
]


def test_add_and_remove_equal_a_fresh_build(analyzer):
    inc = LexicalIndex(IDS[:3], TEXTS[:3], analyzer=analyzer)
    inc.add(IDS[3:6], TEXTS[3:6])
    inc.add(["tmp1", "tmp2"], ["Temporäres Dokument über Krankenhäuser", "Noch eins zur BWKG"])
    inc.add(IDS[6:], TEXTS[6:])
    assert inc.remove(["tmp1", "tmp2", "unknown"]) == 2
    fresh = LexicalIndex(IDS, TEXTS, analyzer=analyzer)
    _assert_same_results(inc, fresh, QUERIES)

    assert inc.remove(["kh", "digital"]) == 2
    keep = [i for i in IDS if i not in ("kh", "digital")]
    fresh2 = LexicalIndex(keep, [DOCS[i] for i in keep], analyzer=analyzer)
    _assert_same_results(inc, fresh2, QUERIES)
    assert "kh" not in inc and "bwkg" in inc
    assert "kh" not in inc.search("Krankenhäuser Baden-Württemberg", k=10)[0]


def test_add_rejects_duplicates_and_upsert_replaces():
    index = LexicalIndex(IDS, TEXTS, analyzer=PLAIN)
    with pytest.raises(ValueError):
        index.add(["kh"], ["neu"])
    with pytest.raises(ValueError):
        index.add(["x", "x"], ["a", "b"])
    with pytest.raises(ValueError):
        index.add(["x"], ["a", "b"])
    assert len(index) == len(IDS)
    index.upsert(["kh"], ["Ein ganz anderer Text über Telemedizin"])
    assert index.ids[-1] == "kh" and len(index) == len(IDS)
    assert "kh" in index.search("Telemedizin", k=5)[0]
    assert "kh" not in index.search("Landeskrankenhausgesetz", k=5)[0]


def test_remove_compacts_vocabulary_without_changing_results():
    filler_ids = [f"f{i}" for i in range(60)]
    filler = [" ".join(f"wort{i}x{j}" for j in range(40)) for i in range(60)]
    index = LexicalIndex(IDS + filler_ids, TEXTS + filler, analyzer=PLAIN)
    index.remove(filler_ids)  # 2400 dead terms -> vocabulary is compacted
    fresh = LexicalIndex(IDS, TEXTS, analyzer=PLAIN)
    assert index.vocabulary_size == fresh.vocabulary_size
    assert index._state.n_terms == fresh._state.n_terms
    _assert_same_results(index, fresh, QUERIES)
    index.add(["neu"], ["Neues Dokument über Krankenhäuser"])
    assert "neu" in index.search("Krankenhaus", k=10)[0]


def test_save_load_round_trip(tmp_path, analyzer):
    index = LexicalIndex(IDS, TEXTS, analyzer=analyzer, k1=1.5, b=0.6, ngram_weight=0.25)
    index.remove(["pflege"])
    target = tmp_path / "lexical"
    index.save(target)
    loaded = LexicalIndex.load(target)
    assert loaded.analyzer == analyzer
    assert (loaded.k1, loaded.b, loaded.ngram_weight) == (1.5, 0.6, 0.25)
    _assert_same_results(index, loaded, QUERIES)
    # save again over the existing directory (replaced whole), then keep using the copy
    loaded.add(["pflege"], [DOCS["pflege"]])
    loaded.save(target)
    again = LexicalIndex.load(target)
    assert again.ids == loaded.ids
    _assert_same_results(again, loaded, QUERIES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lexical"]  # no temp dirs left


def test_load_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError):
        LexicalIndex.load(tmp_path / "nothing")


def test_empty_index_and_empty_queries(tmp_path):
    empty = LexicalIndex(analyzer=PLAIN)
    assert len(empty) == 0 and empty.ids == []
    ids, scores = empty.search("Krankenhaus", k=5)
    assert ids == [] and scores.shape == (0,)
    assert empty.score_all("Krankenhaus").shape == (0,)
    empty.save(tmp_path / "e")
    assert len(LexicalIndex.load(tmp_path / "e")) == 0

    index = LexicalIndex(IDS, TEXTS, analyzer=NGRAMS)
    for q in ("", "   ", "?!", "und oder die der das", "Zzyzx Qwrtz"):
        ids, scores = index.search(q, k=5)
        assert ids == [] and len(scores) == 0, q
    # documents that are only stop words are indexed but never found
    index.add(["leer", "nichts"], ["und die der", ""])
    assert len(index) == len(IDS) + 2
    assert "leer" not in index.search("und die der Krankenhaus", k=20)[0]
    index.remove(IDS + ["leer", "nichts"])
    assert len(index) == 0 and index.search("Krankenhaus")[0] == []


def test_reweighted_keeps_documents():
    index = LexicalIndex(IDS, TEXTS, analyzer=PLAIN)
    other = index.reweighted(k1=2.0, b=0.3)
    assert other.ids == index.ids and (other.k1, other.b) == (2.0, 0.3)
    assert other.search("BWKG", k=1)[0] == ["bwkg"]
    same = index.reweighted(index.k1, index.b)
    _assert_same_results(index, same, QUERIES)


def test_defaults():
    index = LexicalIndex()
    assert (index.k1, index.b) == (DEFAULT_K1, DEFAULT_B)
    assert index.analyzer == GermanAnalyzer()
    with pytest.raises(ValueError):
        LexicalIndex(b=1.5)


def test_concurrent_search_during_add():
    index = LexicalIndex(IDS, TEXTS, analyzer=NGRAMS)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                ids, scores = index.search("Krankenhäuser neue Wörter", k=5)
                assert len(ids) == len(scores)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for i in range(30):
        index.add([f"n{i}"], [f"Neue Wörter Nummer{i} über Krankenhäuser"])
        if i % 3 == 0:
            index.remove([f"n{i}"])
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert len(index) == len(IDS) + 20
