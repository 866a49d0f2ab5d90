"""Wires components into services from one Settings object; nothing is global.

Components load lazily so that quick commands (``assistant documents list``) do not pay for the
embedding model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property

from assistant.components.answerer.llm import build_answerer
from assistant.components.answerer.relevance import RelevanceGate
from assistant.components.answerer.terms import TermMatcher
from assistant.components.database import Database
from assistant.components.embedding.component import is_float32, load_encoder
from assistant.components.embedding.encoder import SentenceEncoder
from assistant.components.file_store import FileStore
from assistant.components.lexical.analyzer import GermanAnalyzer
from assistant.components.lexical.synced import SyncedLexicalIndex
from assistant.components.vector_store import ChunkStore, make_client
from assistant.services.audit import AuditService
from assistant.services.chat import ChatService
from assistant.services.comparison import ComparisonService
from assistant.services.conversations import ConversationService
from assistant.services.documents import DocumentNotFound, DocumentService
from assistant.services.embeddings import EmbeddingService
from assistant.services.feedback import FeedbackService
from assistant.services.followup import build_rewriter
from assistant.services.intents import IntentRouter
from assistant.services.reports import ReportService
from assistant.services.retrieval import FusionConfig, RetrievalService
from assistant.services.scope import ScopeService
from assistant.services.summaries import SummaryService
from assistant.services.viewer import ViewerService
from assistant.settings import Settings

log = logging.getLogger(__name__)


class Container:
    def __init__(
        self,
        settings: Settings,
        progress: Callable[[str], None] | None = None,
        encoder: SentenceEncoder | None = None,
        scorer: SentenceEncoder | None = None,
    ) -> None:
        """``encoder`` and ``scorer`` let several containers (tests, benchmarks) share loaded models."""
        self.settings = settings
        self.progress = progress
        if encoder is not None:
            self.__dict__["encoder"] = encoder
        if scorer is not None:
            self.__dict__["scorer"] = scorer

    @cached_property
    def store(self) -> ChunkStore:
        return ChunkStore(make_client(self.settings), self.settings.collection)

    @cached_property
    def encoder(self) -> SentenceEncoder:
        return load_encoder(self.settings, self.progress)

    @cached_property
    def scorer(self) -> SentenceEncoder:
        """The float32 model the answerer compares questions and sentences with. int8 vectors
        differ a little from CPU to CPU; decisions taken on them would too. With a float32 backend
        (the default) this is the same model as ``encoder``."""
        if is_float32(self.encoder):
            return self.encoder
        return load_encoder(self.settings, self.progress, backend="onnx")

    @cached_property
    def analyzer(self) -> GermanAnalyzer:
        return GermanAnalyzer()

    @cached_property
    def documents(self) -> DocumentService:
        service = DocumentService(self.settings, self.store, self.encoder_provider, FileStore(self.settings.originals_dir))
        # Through a lambda: the database is opened at the first change, not to list documents.
        service.listeners.append(lambda change: self.audit.record(change))
        return service

    @cached_property
    def database(self) -> Database:
        """Opened and migrated to the newest schema on first use."""
        database = Database(self.settings.database)
        database.migrate()
        return database

    @cached_property
    def conversations(self) -> ConversationService:
        return ConversationService(
            self.database,
            lambda *args: self.chat.ask(*args),
            self.document_versions,
            self.settings.conversation_retention_days,
        )

    @cached_property
    def feedback(self) -> FeedbackService:
        return FeedbackService(self.database)

    @cached_property
    def reports(self) -> ReportService:
        return ReportService(self.database, self.encoder_provider)

    @cached_property
    def audit(self) -> AuditService:
        return AuditService(self.database)

    def document_versions(self, document_ids) -> dict[str, str]:
        """The content hash of each listed document, the version an answer was given from."""
        versions = {}
        for document_id in document_ids:
            try:
                versions[document_id] = self.documents.get_document(document_id).content_hash
            except DocumentNotFound:
                continue
        return versions

    @cached_property
    def lexical(self) -> SyncedLexicalIndex:
        return SyncedLexicalIndex(self.store, self.settings.data_dir / "lexical" / self.settings.collection)

    @cached_property
    def retrieval(self) -> RetrievalService:
        fusion = FusionConfig(
            mode=self.settings.retrieval_mode,
            dense_weight=self.settings.hybrid_dense_weight,
            candidates=self.settings.fusion_candidates,
        )
        return RetrievalService(self.store, self.encoder, self.lexical, fusion)

    @cached_property
    def answerer(self):
        """The extractive answerer, or a language-model answerer that falls back to it."""
        gate = RelevanceGate(self.scorer, cache_dir=self.settings.models_dir)
        matcher = TermMatcher(self.scorer, self.analyzer)
        return build_answerer(self.settings, self.scorer, matcher, gate, adjacent=self.documents.adjacent_passage)

    @cached_property
    def embeddings(self) -> EmbeddingService:
        return EmbeddingService(self.encoder, self.settings.embedding_model)

    @cached_property
    def chat(self) -> ChatService:
        intents = IntentRouter(self.summaries, self.scopes, lambda: self.comparison)
        return ChatService(
            self.settings, self.retrieval, self.answerer, rewrite=build_rewriter(self.settings),
            summaries=self.summaries, intents=intents, scopes=self.scopes,
        )  # fmt: skip

    @cached_property
    def scopes(self) -> ScopeService:
        return ScopeService(self.store, self.documents)

    @cached_property
    def summaries(self) -> SummaryService:
        extractive = getattr(self.answerer, "extractive", self.answerer)  # an LLM answerer wraps it
        return SummaryService(self.store, self.documents, extractive.unit_vectors)

    @cached_property
    def comparison(self) -> ComparisonService:
        return ComparisonService(self.documents, self.chat)

    @cached_property
    def viewer(self) -> ViewerService:
        return ViewerService(self.store, self.documents)

    def encoder_provider(self) -> SentenceEncoder:
        return self.encoder

    def warm_up(self, max_chunks: int = 2000) -> None:
        """Does once, before the first user waits, what the first question would otherwise pay for:
        the model's first inference, the lexical index, the relevance references, and for a corpus of
        modest size the sentence vectors the answerer quotes from. Never calls a language model."""
        question = "Worum geht es in den Dokumenten?"
        extractive = getattr(self.answerer, "extractive", self.answerer)  # an LLM answerer wraps it
        extractive.plan(question, "de", self.retrieval.retrieve(question, self.settings.top_k))
        if self.store.count_live() <= max_chunks:
            extractive.warm([text for _, texts, _ in self.store.iter_live_chunks() for text in texts])

    def ensure_corpus(self) -> bool:
        """Ingests the bundled corpus when the store holds no document; True if it did."""
        if not self.documents.is_empty() or not self.settings.corpus_dir.is_dir():
            return False
        report = self.documents.ingest_paths([self.settings.corpus_dir])
        for failure in report.failed:
            log.warning("corpus file %s failed: %s", failure.filename, failure.reason)
        return True
