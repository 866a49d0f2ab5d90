"""Faster CPU inference for the embedding model, selected by ``Settings.embedding_backend``.

Backends (numbers: ``bench/encoder_backends.py`` on this project's 2-core CPU):

``torch``
    sentence-transformers as it is, float32. The reference.
``torch-int8``
    the same model with ``torch.ao.quantization.quantize_dynamic`` on the encoder's Linear layers.
``onnx``
    the transformer exported once to ONNX (float32) and run by onnxruntime.
``onnx-int8``
    as ``onnx``, but the encoder's Linear layers (all but the 12 feed-forward output projections,
    see ``_FLOAT_LAYERS``) hold int8 weights (symmetric, one scale per output channel) and quantises its input on the fly (``DynamicQuantizeLinear`` +
    ``MatMulInteger``: the scheme of ``onnxruntime.quantization.quantize_dynamic``, written
    directly into the export because the ``onnx`` package, which that tool needs, is not a
    dependency of this project).

The ONNX graphs take the word embeddings as input (``inputs_embeds``): the 250k x 384 embedding
table is looked up with NumPy from a read-only memory map of the model's own ``model.safetensors``,
so the cached graph holds only the encoder (about 86 MB as float32, 44 MB as int8) and the big
table never exists twice on disk or in memory. Mean pooling and L2 normalisation are part of the
graph. Batches are formed from texts sorted by token count, so little time goes into padding.

Exported graphs are cached next to the converted model folder
(``<models_dir>/<model folder>.<backend>.f<FORMAT>.onnx``), written to a scratch file and renamed
into place, so a crash never leaves a half-written graph and later starts load it in a second
without touching torch. Only BERT-type models with mean pooling (the bundled
multilingual-e5-small and its relatives) can be exported; for any other model
``FastBackendUnavailable`` is raised and the caller falls back to ``torch``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import struct
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

log = logging.getLogger(__name__)

Backend = Literal["torch", "torch-int8", "onnx", "onnx-int8"]
BACKENDS: tuple[str, ...] = ("torch", "torch-int8", "onnx", "onnx-int8")
# float32 ONNX: the same vectors as torch to six decimals on every CPU, while int8 kernels differ
# between AVX2, AVX-512 and VNNI machines by up to ~0.01 in cosine, enough to flip retrieval ties
# (measured on XQuAD-de dev: top-5 passage order differs for 39 % of questions int8 vs float32).
# int8 is only slightly faster (bench/encoder_backends.py) and loses dense MRR@10 (0.9495 vs 0.954).
DEFAULT_BACKEND: Backend = "onnx"
# Bump when the exported graph changes, so that old cached graphs are not used any more.
FORMAT_VERSION = 1
_OPSET = 17
_WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
_INT8_MAX = 127
# Linear layers (regular expression on the name below ``encoder``) that stay float32 in
# ``onnx-int8``: the feed-forward output projections. Their input comes out of GELU with a few
# very large values, so one uint8 scale per batch fits it badly; keeping these 12 of 72 layers in
# float32 halves the loss of dense MRR@10 on GermanQuAD dev (0.954 float32, 0.9452 all-int8,
# 0.9495 with this). Passage encoding, back to back on the shared 2-core machine: all-int8 1.36x
# and this recipe 1.06-1.19x faster than float32 ONNX, 2.4-2.8x faster than torch; questions
# 1.4x faster than float32 ONNX (bench/encoder_backends.py).
_FLOAT_LAYERS = r"^layer\.\d+\.output\.dense$"


class FastBackendUnavailable(RuntimeError):
    """This model or machine cannot use the requested backend; the caller falls back to torch."""


# --------------------------------------------------------------------------- public API


def load_fast_model(
    model_path: str,
    backend: str,
    *,
    cache_dir: Path,
    threads: int | None = None,
    progress: Callable[[str], None] | None = None,
):
    """A model object for ``SentenceEncoder`` running on ``backend`` (not ``torch``).

    The result offers what ``SentenceEncoder`` uses of a SentenceTransformer: ``tokenizer``,
    ``max_seq_length``, ``get_embedding_dimension()`` and ``encode(...)``.
    """
    if backend == "torch-int8":
        return _torch_int8(model_path)
    if backend not in ("onnx", "onnx-int8"):
        raise ValueError(f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    folder = _local_folder(model_path)
    layout = _read_layout(folder)
    recipe = f"-{_recipe_digest()}" if backend == "onnx-int8" else ""
    graph = cache_dir / f"{_cache_key(folder)}.{backend}{recipe}.f{FORMAT_VERSION}.onnx"
    if not graph.is_file():
        if progress:
            progress(f"Exportiere das Embedding-Modell nach ONNX ({backend}, einmalig) …")
        _export(folder / layout["transformer_path"], graph, quantize=backend == "onnx-int8")
    return OnnxSentenceModel(folder, graph, layout, threads=threads)


# --------------------------------------------------------------------------- the ONNX model


class OnnxSentenceModel:
    """Tokenizer + onnxruntime session + embedding table; the subset of SentenceTransformer we use."""

    def __init__(self, folder: Path, graph: Path, layout: dict[str, Any], *, threads: int | None = None) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.folder = folder
        self.graph = graph
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder / layout["transformer_path"]))
        self.max_seq_length = int(layout["max_seq_length"])
        self._pad_id = int(self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0)
        self._table = _embedding_table(folder / layout["transformer_path"], graph)
        self._dimension = int(self._table.shape[1])
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])

    def get_embedding_dimension(self) -> int:
        return self._dimension

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        normalize_embeddings: bool = True,
        convert_to_numpy: bool = True,
        show_progress_bar: bool = False,
        **_: Any,
    ) -> np.ndarray:
        """Unit vectors (the graph normalises; ``normalize_embeddings`` is accepted for symmetry)."""
        del normalize_embeddings, convert_to_numpy, show_progress_bar
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        ids = self.tokenizer(list(texts), truncation=True, max_length=self.max_seq_length)["input_ids"]
        order = np.argsort([-len(x) for x in ids], kind="stable")  # longest first: padding stays small
        out = np.empty((len(ids), self._dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(ids[r]) for r in rows)
            batch = np.full((len(rows), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for i, r in enumerate(rows):
                batch[i, : len(ids[r])] = ids[r]
                mask[i, : len(ids[r])] = 1
            embeds = np.ascontiguousarray(self._table[batch], dtype=np.float32)
            (vectors,) = self.session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})
            out[rows] = vectors
        return out


# --------------------------------------------------------------------------- torch int8


def _torch_int8(model_path: str):
    import torch
    from sentence_transformers import SentenceTransformer
    from torch.ao.quantization import quantize_dynamic

    model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
    return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)


# --------------------------------------------------------------------------- model folder


def _local_folder(model_path: str) -> Path:
    path = Path(model_path).expanduser()
    if path.is_dir():
        return path.resolve()
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(model_path, local_files_only=True))
    except Exception as exc:  # not in the local cache, or not a hub name at all
        raise FastBackendUnavailable(f"no local folder for {model_path!r}: {exc}") from exc


def _read_layout(folder: Path) -> dict[str, Any]:
    """Checks that the folder is Transformer(BERT) -> mean Pooling [-> Normalize] and says where."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
            raise FastBackendUnavailable(f"unsupported module stack {kinds}")
        transformer_path = modules[0].get("path", "")
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        config = json.loads((folder / transformer_path / "config.json").read_text(encoding="utf-8"))
        bert_config_file = folder / transformer_path / "sentence_bert_config.json"
        if not bert_config_file.is_file():
            bert_config_file = folder / "sentence_bert_config.json"
        bert_config = json.loads(bert_config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise FastBackendUnavailable(f"cannot read the model layout in {folder}: {exc}") from exc
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"
    )
    if not mean_only:
        raise FastBackendUnavailable("only mean pooling is supported")
    if config.get("model_type") != "bert" or config.get("position_embedding_type", "absolute") != "absolute":
        raise FastBackendUnavailable(f"only BERT models are supported, not {config.get('model_type')!r}")
    max_len = min(int(bert_config.get("max_seq_length") or 512), int(config.get("max_position_embeddings", 512)))
    return {"transformer_path": transformer_path, "max_seq_length": max_len}


def _cache_key(folder: Path) -> str:
    """The folder's name plus a digest of what identifies its weights (path, size, mtime)."""
    weights = sorted(p for p in folder.rglob("*") if p.suffix in (".safetensors", ".bin") and p.is_file())
    signature = [str(folder)] + [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in weights]
    digest = hashlib.sha256("\n".join(signature).encode()).hexdigest()[:10]
    return f"{folder.name}-{digest}"


def _recipe_digest() -> str:
    return hashlib.sha256(f"{_INT8_MAX}|{_FLOAT_LAYERS}".encode()).hexdigest()[:6]


def _embedding_table(transformer_folder: Path, graph: Path) -> np.ndarray:
    """The word embedding matrix, memory-mapped read-only (from safetensors, else the cached .npy)."""
    table = _safetensors_memmap(transformer_folder / "model.safetensors")
    if table is not None:
        return table
    return np.load(_table_file(graph), mmap_mode="r")


def _table_file(graph: Path) -> Path:
    return graph.with_name(graph.name.removesuffix(".onnx") + ".embeddings.npy")


def _safetensors_memmap(path: Path) -> np.ndarray | None:
    """safetensors = u64 header length, JSON header, raw little-endian tensors; no copy needed."""
    try:
        with open(path, "rb") as fh:
            (header_len,) = struct.unpack("<Q", fh.read(8))
            header = json.loads(fh.read(header_len))
    except (OSError, ValueError, struct.error):
        return None
    for name in (_WORD_EMBEDDINGS, "bert." + _WORD_EMBEDDINGS):
        entry = header.get(name)
        if entry and entry.get("dtype") == "F32" and len(entry.get("shape", ())) == 2:
            start, end = entry["data_offsets"]
            rows, cols = entry["shape"]
            if end - start != rows * cols * 4:
                return None
            return np.memmap(path, dtype="<f4", mode="r", offset=8 + header_len + start, shape=(rows, cols))
    return None


# --------------------------------------------------------------------------- export


def _export(transformer_folder: Path, graph: Path, *, quantize: bool) -> None:
    """Trace the transformer (+ mean pooling + normalisation) into ``graph``, atomically."""
    import torch

    started = time.perf_counter()
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(transformer_folder), local_files_only=True).eval()
    if hasattr(bert, "set_attn_implementation"):
        bert.set_attn_implementation("eager")  # plain MatMul/Softmax: traces to portable ONNX
    graph.parent.mkdir(parents=True, exist_ok=True)
    if _safetensors_memmap(transformer_folder / "model.safetensors") is None:
        table = bert.embeddings.word_embeddings.weight.detach().numpy().astype(np.float32)
        _atomic_write(_table_file(graph), lambda fh: np.save(fh, table))
    # The table is looked up outside the graph; a 1-row stand-in keeps it out of the export.
    bert.embeddings.word_embeddings = torch.nn.Embedding(1, bert.config.hidden_size)
    if quantize:
        _quantize_linears(bert.encoder)
    wrapper = _pooled_encoder(bert).eval()
    example = torch.zeros(2, 8, bert.config.hidden_size)
    mask = torch.ones(2, 8, dtype=torch.int64)
    mask[1, 5:] = 0

    def write(fh) -> None:
        with torch.no_grad(), _without_onnx_package_check():
            torch.onnx.export(
                wrapper,
                (example, mask),
                fh,
                dynamo=False,  # the TorchScript exporter: needs neither onnx nor onnxscript
                input_names=["inputs_embeds", "attention_mask"],
                output_names=["embedding"],
                dynamic_axes={
                    "inputs_embeds": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "embedding": {0: "batch"},
                },
                opset_version=_OPSET,
                do_constant_folding=True,
            )

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _atomic_write(graph, write)
    log.info("exported %s in %.1f s", graph.name, time.perf_counter() - started)


def _atomic_write(target: Path, write: Callable[[Any], None]) -> None:
    """Write into a scratch file beside ``target``, then rename it over ``target``."""
    for stale in target.parent.glob(f".{target.name}.tmp-*"):  # left by a killed export
        if time.time() - stale.stat().st_mtime > 3600:
            stale.unlink(missing_ok=True)
    fd, scratch = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(scratch, 0o644)
        os.replace(scratch, target)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


class _without_onnx_package_check:
    """The TorchScript exporter serialises in C++ and needs the ``onnx`` package for one step only:
    inserting onnxscript functions into the model, of which this export has none. That step is
    skipped while exporting, so that the export works without ``onnx`` installed (torch is pinned,
    and a changed torch makes the export fail loudly, which falls back to the torch backend)."""

    def __enter__(self):
        try:
            from torch.onnx._internal.torchscript_exporter import onnx_proto_utils
        except ImportError as exc:
            raise FastBackendUnavailable(f"this torch has no TorchScript ONNX exporter: {exc}") from exc
        self._module = onnx_proto_utils
        self._saved = onnx_proto_utils._add_onnxscript_fn
        onnx_proto_utils._add_onnxscript_fn = lambda model_bytes, custom_opsets: model_bytes
        return self

    def __exit__(self, *exc_info) -> None:
        self._module._add_onnxscript_fn = self._saved


def _pooled_encoder(bert):
    """BERT + mean pooling over the attention mask + L2 normalisation, as one traceable module."""
    import torch

    class PooledEncoder(torch.nn.Module):
        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, inputs_embeds, attention_mask):
            hidden = self.bert(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=-1)

    return PooledEncoder(bert)


def _quantize_linears(module) -> None:
    """Replace every ``nn.Linear`` below ``module`` by an int8 layer that exports to
    DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul -> Add."""
    import torch

    class Int8MatMul(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight_t, scale, bias):  # the same arithmetic in float, for tracing
            return x @ (weight_t.to(x.dtype) * scale) + bias

        @staticmethod
        def symbolic(g, x, weight_t, scale, bias):
            x_q, x_scale, x_zero = g.op("DynamicQuantizeLinear", x, outputs=3)
            product = g.op("MatMulInteger", x_q, weight_t, x_zero)
            as_float = g.op("Cast", product, to_i=1)  # 1 = FLOAT
            return g.op("Add", g.op("Mul", as_float, g.op("Mul", x_scale, scale)), bias)

    class Int8Linear(torch.nn.Module):
        def __init__(self, linear: torch.nn.Linear) -> None:
            super().__init__()
            weight = linear.weight.detach().float()  # (out, in)
            scale = weight.abs().amax(dim=1).clamp(min=1e-12) / _INT8_MAX
            quantized = torch.clamp(torch.round(weight / scale[:, None]), -_INT8_MAX, _INT8_MAX)
            self.register_buffer("weight_t", quantized.to(torch.int8).t().contiguous())
            self.register_buffer("scale", scale.contiguous())
            bias = linear.bias.detach() if linear.bias is not None else torch.zeros(weight.shape[0])
            self.register_buffer("bias", bias.float().contiguous())

        def forward(self, x):
            return Int8MatMul.apply(x, self.weight_t, self.scale, self.bias)

    targets = [
        (name, child)
        for name, child in module.named_modules()
        if isinstance(child, torch.nn.Linear) and not re.search(_FLOAT_LAYERS, name)
    ]
    for name, child in targets:
        parent_name, _, attribute = name.rpartition(".")
        setattr(module.get_submodule(parent_name) if parent_name else module, attribute, Int8Linear(child))
