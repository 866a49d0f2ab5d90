"""Retrieval for follow-up questions: top-1 document accuracy of three ways to build the query.

    .venv/bin/python bench/followups.py                      # no-LLM numbers + scripted fake rewrite
    .venv/bin/python bench/followups.py --llm ollama --llm-model qwen2.5:7b-instruct \
        [--llm-base-url http://localhost:11434]              # a real model: a real LLM measurement
    .venv/bin/python bench/followups.py --llm openai --llm-base-url http://localhost:8000/v1 --llm-model ...

Each conversation in ``bench/data/followups.jsonl`` is a first question, the assistant's answer to it
(extractive, computed here) and a follow-up that leans on it ("Wie viele gibt es pro Region?").
Methods: the follow-up alone; the no-LLM method (``standalone_query``: a follow-up borrows the
previous question); the LLM rewrite (``LLMRewriter``). Without ``--llm`` the rewrite runs against the
fake OpenAI server answering with the handwritten ``rewrite`` of each item: that checks the plumbing
and shows what an ideal rewrite would reach, it is NOT a measurement of any language model.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from assistant.components.llm import LLMConfig, make_chat_model  # noqa: E402
from assistant.container import Container  # noqa: E402
from assistant.models import Turn  # noqa: E402
from assistant.services.followup import LLMRewriter, standalone_query  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def scripted_server(items: list[dict]):
    """The fake OpenAI server answering each rewrite request with the item's handwritten rewrite."""
    from tests.fakes.llm_servers import FakeOpenAI, Reply

    by_followup = {item["followup"]: item["rewrite"] for item in items}

    def script(request) -> Reply:
        last = re.search(r"(?:Letzte Frage|Last question): (.+)$", request.content("user"), re.S)
        return Reply(by_followup.get(last.group(1).strip(), "") if last else "")

    return FakeOpenAI(script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=PROJECT / "bench/data/followups.jsonl")
    parser.add_argument("--llm", choices=["fake", "openai", "ollama", "none"], default="fake")
    parser.add_argument("--llm-base-url")
    parser.add_argument("--llm-model", default="fake-model")
    parser.add_argument("--llm-timeout", type=float, default=30.0)
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument("--show", action="store_true", help="print every query and its top document")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    items = load(args.data)
    server = scripted_server(items) if args.llm == "fake" else None
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), model_cache_dir=PROJECT / "data/models")
        container = Container(settings)
        report = container.documents.ingest_paths([settings.corpus_dir])
        assert not report.failed, report
        methods = {"alone": lambda q, h: q, "no-llm": standalone_query}
        if server is not None:
            server.__enter__()
        if args.llm != "none":
            base_url = server.url if server is not None else args.llm_base_url
            provider = "openai" if args.llm == "fake" else args.llm
            config = LLMConfig(provider, args.llm_model, base_url=base_url, api_key=os.environ.get("ASSISTANT_LLM_API_KEY"),
                               timeout=args.llm_timeout, rewrite_timeout=args.llm_timeout)
            methods["llm-scripted" if server is not None else f"llm-{provider}"] = LLMRewriter(
                make_chat_model(config.for_rewrite()), label=config.model, fallback=lambda q, h: "<fallback>")
        try:
            rows = [evaluate(container, item, methods, args.top_k) for item in items]
        finally:
            if server is not None:
                server.__exit__(None, None, None)

    summary = {m: sum(r[m]["ok"] for r in rows) for m in methods}
    if args.json:
        print(json.dumps({"n": len(rows), "correct": summary, "rows": rows}, ensure_ascii=False, indent=1))
        return
    if args.show:
        for row in rows:
            print(f"\n{row['id']} (expected {row['document_id']})")
            for m in methods:
                r = row[m]
                print(f"  {'ok ' if r['ok'] else 'MISS'} {m:13} {r['top']:24} {r['query']}")
    print(f"\nTop-1 document accuracy over {len(rows)} two-turn conversations (top_k={args.top_k}):")
    for m, correct in summary.items():
        misses = [r["id"] for r in rows if not r[m]["ok"]]
        print(f"  {m:13} {correct:2d}/{len(rows)} = {correct / len(rows):.0%}   misses: {', '.join(misses) or '-'}")
    if server is not None:
        print("\nllm-scripted: the fake server returns handwritten rewrites -- plumbing check and upper bound,")
        print("NOT a language-model measurement. Run with --llm ollama|openai against a real server for that.")


def evaluate(container: Container, item: dict, methods: dict, top_k: int) -> dict:
    first_answer = container.chat.ask(item["first"])
    history = [Turn(role="user", content=item["first"]), Turn(role="assistant", content=first_answer.answer)]
    row: dict = {"id": item["id"], "document_id": item["document_id"]}
    for name, rewrite in methods.items():
        query = rewrite(item["followup"], history)
        passages = container.retrieval.retrieve(query, top_k).passages if query != "<fallback>" else []
        top = str(passages[0].metadata.get("document_id")) if passages else "(failed)"
        row[name] = {"query": query, "top": top, "ok": top == item["document_id"]}
    return row


if __name__ == "__main__":
    main()
