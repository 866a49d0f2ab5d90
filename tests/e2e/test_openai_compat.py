"""The official ``openai`` client against /v1: models, chat completions with and without streaming,
token usage, embeddings."""

from __future__ import annotations

import numpy as np
import openai
import pytest

from tests.e2e.conftest import READER_KEY

pytestmark = pytest.mark.e2e

MESSAGES = [
    {"role": "system", "content": "Antworte knapp."},
    {"role": "user", "content": "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"},
]


@pytest.fixture
def client(live_server):
    with openai.OpenAI(base_url=f"{live_server.url}/v1", api_key=READER_KEY, max_retries=0, timeout=60) as client:
        yield client


def test_models_lists_the_assistant_and_its_embedding_model(client):
    assert [m.id for m in client.models.list()] == ["strategie-assistent", "multilingual-e5-small"]


def test_chat_completion_has_sources_and_structured_citations(client):
    completion = client.chat.completions.create(model="strategie-assistent", messages=MESSAGES)
    content = completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "stop"
    assert "Krankenh" in content and "[1]" in content
    assert "\n\nQuellen:\n[1] Kompetenzverbund" in content
    citations = completion.model_extra["citations"]
    assert citations[0]["n"] == 1 and citations[0]["document_id"] == "kompetenzverbund-bw"


def test_streamed_completion_adds_up_and_ends_with_citations(client):
    chunks = list(client.chat.completions.create(model="strategie-assistent", messages=MESSAGES, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    plain = client.chat.completions.create(model="strategie-assistent", messages=MESSAGES)
    assert text == plain.choices[0].message.content
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) >= 3, "streamed in parts"
    final = chunks[-1]
    assert final.choices[0].finish_reason == "stop"
    assert final.model_extra["citations"] == plain.model_extra["citations"]


def test_follow_up_uses_earlier_messages(client):
    messages = [
        MESSAGES[1],
        {"role": "assistant", "content": "In sechs Regionen haben sich insgesamt 14 Krankenhäuser zusammengeschlossen."},
        {"role": "user", "content": "Und welche Zukunftsthemen stehen dort im Fokus?"},
    ]
    completion = client.chat.completions.create(model="strategie-assistent", messages=messages)
    assert completion.model_extra["citations"][0]["document_id"] == "kompetenzverbund-bw"


def test_errors_surface_as_openai_exceptions(live_server, client):
    with pytest.raises(openai.UnprocessableEntityError) as bad:
        client.chat.completions.create(model="strategie-assistent", messages=[{"role": "user", "content": " "}])
    assert bad.value.body["code"] == "invalid_question"
    with openai.OpenAI(base_url=f"{live_server.url}/v1", api_key="falsch", max_retries=0) as wrong:
        with pytest.raises(openai.AuthenticationError):
            wrong.models.list()


def test_usage_counts_the_tokens_of_messages_and_reply(client, live_server):
    completion = client.chat.completions.create(model="strategie-assistent", messages=MESSAGES)
    usage = completion.usage
    tokenizer = live_server.app.state.container.encoder.tokenizer
    expected_prompt = sum(len(tokenizer(m["content"], add_special_tokens=False)["input_ids"]) for m in MESSAGES)
    expected_reply = len(tokenizer(completion.choices[0].message.content, add_special_tokens=False)["input_ids"])
    assert usage.prompt_tokens == expected_prompt > 10
    assert usage.completion_tokens == expected_reply > 10
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_streamed_usage_comes_last_when_asked_and_matches_the_plain_reply(client):
    plain = client.chat.completions.create(model="strategie-assistent", messages=MESSAGES)
    chunks = list(
        client.chat.completions.create(
            model="strategie-assistent", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        )
    )
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.model_dump() == plain.usage.model_dump()
    assert all(c.usage is None for c in chunks[:-1])


def test_embeddings_are_the_bundled_model_normalised_and_meaningful(client, live_server):
    texts = [
        "Wie viele Krankenhäuser gehören zum Kompetenzverbund?",
        "Im Kompetenzverbund haben sich 14 Krankenhäuser in sechs Regionen zusammengeschlossen.",
        "Das Rezept braucht zwei Eier und etwas Mehl.",
    ]
    result = client.embeddings.create(model="multilingual-e5-small", input=texts)  # the SDK asks for base64
    vectors = np.array([d.embedding for d in result.data])
    assert result.model == "multilingual-e5-small" and [d.index for d in result.data] == [0, 1, 2]
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.05, "the related sentence is closer"
    same = live_server.app.state.container.encoder.encode_queries(texts[:1])[0]
    assert np.allclose(vectors[0], same, atol=1e-5), "the vector retrieval uses for a question"
    tokenizer = live_server.app.state.container.encoder.tokenizer
    assert result.usage.prompt_tokens == sum(len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts)
    assert result.usage.total_tokens == result.usage.prompt_tokens


def test_embeddings_as_floats_and_for_passages(reader, live_server):
    text = "Die Agentur berichtet jährlich an den Landtag."
    floats = reader.post("/v1/embeddings", json={"input": text, "encoding_format": "float"}).json()
    passage = reader.post("/v1/embeddings", json={"input": [text], "input_type": "passage"}).json()
    assert floats["object"] == "list" and floats["data"][0]["object"] == "embedding"
    assert len(floats["data"][0]["embedding"]) == 384
    expected = live_server.app.state.container.encoder.encode_passages([text])[0]
    assert np.allclose(passage["data"][0]["embedding"], expected, atol=1e-5)
    assert not np.allclose(floats["data"][0]["embedding"], expected, atol=1e-3), "query and passage prefixes differ"
    for body in ({"input": ""}, {"input": []}, {"input": [1, 2, 3]}):
        refused = reader.post("/v1/embeddings", json=body)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_request", body


def test_the_citations_extra_field_is_in_the_openapi_schema(live_server):
    with live_server.client() as anonymous:
        spec = anonymous.get("/openapi.json").json()
    operation = spec["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]["content"]
    assert operation["application/json"]["schema"] == {"$ref": "#/components/schemas/ChatCompletion"}
    completion = spec["components"]["schemas"]["ChatCompletion"]
    assert completion["properties"]["citations"]["items"] == {"$ref": "#/components/schemas/Citation"}
    assert "citations" in completion["required"] and "usage" in completion["required"]
    assert "/v1/embeddings" in spec["paths"]
