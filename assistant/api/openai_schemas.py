"""Request and response bodies of the OpenAI-compatible endpoints (``api/openai_compat.py``).

The responses follow OpenAI's shapes; the extras this server adds (``citations``, ``answered``,
``filters``, ``top_k``, ``input_type``) are declared here so that they show in /openapi.json.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from assistant.api.schemas import DEFAULT_QUESTION_CHARS, FILTERS_DESCRIPTION, FILTERS_SCHEMA, NON_BLANK
from assistant.models import Citation

_NON_BLANK_TEXT = {"type": "string", "minLength": 1, "pattern": NON_BLANK}
# At least one user message with text: the question. Either plain content or a text part. The
# served schema carries the configured ASSISTANT_MAX_QUESTION_CHARS (see api/contract.py).
USER_QUESTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["role", "content"],
    "properties": {
        "role": {"const": "user"},
        "content": {
            "anyOf": [
                {**_NON_BLANK_TEXT, "maxLength": DEFAULT_QUESTION_CHARS},
                {
                    "type": "array",
                    "contains": {
                        "type": "object",
                        "required": ["type", "text"],
                        "properties": {"type": {"const": "text"}, "text": _NON_BLANK_TEXT},
                    },
                },
            ]
        },
    },
}


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: StrictBool = Field(default=False, description="Send a last chunk with `usage` and no choices.")


class ChatCompletionRequest(BaseModel):
    # Sampling options (temperature, max_tokens, ...) are accepted and ignored: answers are extractive.
    model_config = ConfigDict(extra="allow")
    model: str | None = None
    # No cap on the number of messages: clients resend whole conversations, only the recent turns are
    # read (ASSISTANT_HISTORY_TURNS), and the 1 MB body limit bounds the size.
    messages: list[Message] = Field(
        min_length=1,
        description="The conversation; the last user message with text is the question (422 if there is none).",
        json_schema_extra={"contains": USER_QUESTION_SCHEMA},
    )
    # Strict like the schema: 0 or "yes" is not a boolean, "5" not an integer.
    stream: StrictBool = False
    filters: dict[str, str | list[str]] | None = Field(
        default=None, description=FILTERS_DESCRIPTION, json_schema_extra=FILTERS_SCHEMA
    )
    top_k: StrictInt | None = Field(default=None, ge=1, le=50)
    stream_options: StreamOptions | None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int = 0
    total_tokens: int


USAGE_DESCRIPTION = (
    "Token counts in the bundled embedding model's word pieces (SentencePiece of multilingual-e5): the "
    "messages sent, and the reply text. Answers are quoted from the documents, not generated, so there "
    "is no language-model tokenizer to count with."
)


class ChatMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: ChatMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage = Field(description=USAGE_DESCRIPTION)
    citations: list[Citation] = Field(
        description="Extra field (not in OpenAI's API): the sources of the reply, numbered as its [n] markers. "
        "When streaming, on the last chunk (the one with finish_reason)."
    )
    answered: bool = Field(description="Extra field: false when the documents do not hold the answer.")


MAX_EMBEDDING_INPUTS = 2048  # OpenAI's limit; the 1 MB body limit usually comes first
Text = Annotated[str, Field(min_length=1)]


class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # user, dimensions' absence etc.: OpenAI clients send extras
    input: Text | Annotated[list[Text], Field(min_length=1, max_length=MAX_EMBEDDING_INPUTS)] = Field(
        description=f"One text or a list of texts (at most {MAX_EMBEDDING_INPUTS}); each is cut at the model's "
        "512 tokens. Token arrays are not accepted.",
    )
    model: str | None = Field(default=None, description="Any name; the bundled embedding model answers.")
    encoding_format: Literal["float", "base64"] = "float"
    input_type: Literal["query", "passage"] = Field(
        default="query",
        description="Extra field: e5 models embed questions and documents with different prefixes "
        "('query: ' / 'passage: '). 'query' also suits similarity between short texts.",
    )


class Embedding(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str = Field(description="Floats, or base64 of little-endian float32 when asked.")


class EmbeddingUsage(BaseModel):
    prompt_tokens: int
    total_tokens: int


class EmbeddingList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Embedding]
    model: str
    usage: EmbeddingUsage = Field(description="Tokens of the inputs in the model's word pieces.")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "strategie-assistent"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]

