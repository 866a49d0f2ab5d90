"""Question texts are not written to the application log: a follow-up rewritten by a (fake, real
HTTP) language model server is logged by its timing and lengths only."""

from __future__ import annotations

import logging

import pytest

from assistant.components.llm import LLMConfig, make_chat_model
from assistant.models import Turn
from assistant.services.followup import LLMRewriter
from tests.fakes.llm_servers import FakeOpenAI, Reply

pytestmark = pytest.mark.slow


def test_a_rewritten_follow_up_is_logged_without_its_text(caplog):
    first = "Was ist der Kompetenzverbund Qualitätsmedizin und Digitalisierung?"
    follow_up = "Und wie viele Kliniken sind dort beteiligt?"
    rewritten = "Wie viele Kliniken sind am Kompetenzverbund Qualitätsmedizin und Digitalisierung beteiligt?"
    history = [Turn(role="user", content=first), Turn(role="assistant", content="Ein Verbund [1]")]
    with FakeOpenAI([Reply(rewritten)]) as fake, caplog.at_level(logging.DEBUG):
        config = LLMConfig("openai", "fake-model", base_url=fake.url, rewrite_timeout=2.0)
        assert LLMRewriter(make_chat_model(config.for_rewrite()))(follow_up, history) == rewritten

    assert "follow-up rewritten" in caplog.text  # the log line is there, so its absence below means something
    for text in (first, follow_up, rewritten, "Kliniken"):
        assert text not in caplog.text
