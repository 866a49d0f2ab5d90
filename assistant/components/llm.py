"""Chat models from settings: an OpenAI-compatible server or Ollama, both through LangChain, or a
GGUF file run in-process by llama.cpp (``components/gguf.py``).

The providers are imported inside ``make_chat_model`` only: commands that never talk to a language
model (``assistant documents list``) should not pay for importing them.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

Provider = Literal["openai", "ollama", "gguf"]

# The openai client refuses to start without a key; local servers (vLLM, llama.cpp, LM Studio,
# Ollama's /v1) ignore it, so a placeholder is sent when a base URL is set and no key is.
_PLACEHOLDER_KEY = "not-needed"


class LLMConfigError(ValueError):
    """The language-model settings cannot work (no model name, unknown provider)."""


@dataclass(frozen=True)
class LLMConfig:
    provider: Provider
    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)  # never in logs or reprs
    timeout: float = 30.0  # seconds until the server answers (streaming: between two chunks)
    temperature: float = 0.1
    max_tokens: int = 600
    rewrite_timeout: float = 10.0  # follow-up rewriting runs before retrieval: keep it short
    threads: int | None = None  # gguf only: CPU threads (None: llama.cpp's default)
    context: int = 4096  # gguf only: context window in tokens

    def for_rewrite(self) -> LLMConfig:
        """Deterministic, short and quick: a standalone question is one line."""
        return replace(self, timeout=self.rewrite_timeout, temperature=0.0, max_tokens=120)


def llm_config(settings: Any) -> LLMConfig | None:
    """The configured language model, or None for the extractive answerer.

    Read with ``getattr`` so that this works before the fields exist on ``Settings`` and with any
    object carrying them (benchmarks, tests).
    """
    provider = getattr(settings, "llm", "extractive") or "extractive"
    if provider == "extractive":
        return None
    if provider not in ("openai", "ollama", "gguf"):
        raise LLMConfigError(f"Unbekannter Wert für llm (unknown llm provider): {provider!r}")
    if provider == "gguf":
        return _gguf_config(settings)
    model = getattr(settings, "llm_model", None)
    if not model:
        raise LLMConfigError(
            "ASSISTANT_LLM_MODEL fehlt: Name des Modells auf dem Server (llm_model is required)."
        )
    key = getattr(settings, "llm_api_key", None)
    if key is not None and hasattr(key, "get_secret_value"):
        key = key.get_secret_value()
    timeout = float(getattr(settings, "llm_timeout", 30.0))
    return LLMConfig(
        provider=provider,
        model=model,
        base_url=getattr(settings, "llm_base_url", None) or None,
        api_key=key or None,
        timeout=timeout,
        temperature=float(getattr(settings, "llm_temperature", 0.1)),
        max_tokens=int(getattr(settings, "llm_max_tokens", 600)),
        rewrite_timeout=float(getattr(settings, "llm_rewrite_timeout", None) or min(timeout, 10.0)),
    )


def _gguf_config(settings: Any) -> LLMConfig:
    path = getattr(settings, "llm_model_path", None)
    if not path or not Path(path).is_file():
        raise LLMConfigError(
            f"ASSISTANT_LLM_MODEL_PATH muss auf eine GGUF-Datei zeigen, nicht auf {path!r} "
            "(llm_model_path must name a GGUF file)."
        )
    if importlib.util.find_spec("xllamacpp") is None:
        raise LLMConfigError(
            "Für ASSISTANT_LLM=gguf fehlt das Paket „xllamacpp“: pip install '.[gguf]' (xllamacpp is not installed)."
        )
    timeout = float(getattr(settings, "llm_timeout", 30.0))
    return LLMConfig(
        provider="gguf",
        model=str(path),
        timeout=timeout,
        temperature=float(getattr(settings, "llm_temperature", 0.1)),
        max_tokens=int(getattr(settings, "llm_max_tokens", 600)),
        rewrite_timeout=float(getattr(settings, "llm_rewrite_timeout", None) or min(timeout, 10.0)),
        threads=getattr(settings, "llm_threads", None),
        context=int(getattr(settings, "llm_context", 4096)),
    )


def make_chat_model(config: LLMConfig):
    """A chat model that fails fast: no retries, so a dead server costs one timeout."""
    if config.provider == "gguf":
        from assistant.components.gguf import GGUFChatModel

        return GGUFChatModel(
            Path(config.model),
            threads=config.threads,
            context=config.context,
            temperature=config.temperature,
            max_tokens=config.max_tokens,
            timeout=config.timeout,
        )
    if config.provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=config.model,
            base_url=config.base_url,
            temperature=config.temperature,
            num_predict=config.max_tokens,
            client_kwargs={"timeout": config.timeout},
        )
    from langchain_openai import ChatOpenAI

    api_key = config.api_key or (_PLACEHOLDER_KEY if config.base_url else None)
    return ChatOpenAI(
        model=config.model,
        base_url=config.base_url,
        api_key=api_key,
        temperature=config.temperature,
        max_tokens=config.max_tokens,
        timeout=config.timeout,
        max_retries=0,
        # Some model names make LangChain switch to OpenAI's Responses API, which other
        # OpenAI-compatible servers do not offer; chat completions work everywhere.
        use_responses_api=False,
    )
