"""Chat questions that another service answers: a summary of one named document, a comparison of
named documents or regions ("Vergleiche NRW und Baden-Württemberg bei der Digitalisierung",
"Was unterscheidet … von …", "Compare … and …"). Everything else goes to retrieval and the answerer.

The chat service asks this router first; the router asks each service whether the question is
its kind. A comparison needs two to four named documents (``scope.py``) and a topic; the topic is
what follows "bei", "hinsichtlich", "on", … or else what remains once the names and the verb are
taken out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.language import Language
from assistant.models import Answer
from assistant.services.scope import LAENDER, Scope, ScopeService
from assistant.services.summaries import SummaryService, as_answer

_ASKS_TO_COMPARE = re.compile(
    r"\bvergleich\w*|\bunterscheid\w*|\bunterschied\w*|\bgegenüberstell\w*|\bstell\w*\s.+\sgegenüber\b|"
    r"\bcompar\w*|\bdiffer\w*|\bversus\b|\bvs\.",
    re.I,
)
_TOPIC = re.compile(
    r"\b(?:bei|beim|hinsichtlich|bezüglich|in\s+bezug\s+auf|im\s+hinblick\s+auf|in\s+sachen|mit\s+blick\s+auf|"
    r"zum\s+thema|on|regarding|concerning|in\s+terms\s+of|with\s+respect\s+to|about)\s+"
    r"(?:der|die|das|dem|den|des|the)?\s*(.+?)\s*[?.!]*$",
    re.I,
)
_FILLER = re.compile(
    r"\b(?:vergleich\w*|unterscheid\w*|unterschied\w*|gegenüberstell\w*|compare|comparison|differ\w*|versus|vs|"
    r"was|wie|welche\w*|worin|sich|die|der|das|den|dem|des|und|von|vom|mit|zwischen|mir|bitte|in|im|and|with|"
    r"between|the|how|what|do|does|strategie\w*|dokument\w*|document\w*|strateg\w*)\b",
    re.I,
)
MIN_DOCUMENTS, MAX_DOCUMENTS = 2, 4


class IntentRouter:
    def __init__(self, summaries: SummaryService | None, scopes: ScopeService | None, comparison: Callable[[], object]) -> None:
        """``comparison``: gives the comparison service (which itself uses the chat service, so it is
        fetched when first needed)."""
        self.summaries = summaries
        self.scopes = scopes
        self.comparison = comparison

    def route(self, question: str, language: Language) -> Answer | None:
        if self.summaries is not None:
            summary = self.summaries.for_question(question, language)
            if summary is not None:
                return summary
        return self.comparison_for(question, language)

    def comparison_for(self, question: str, language: Language) -> Answer | None:
        if self.scopes is None or not _ASKS_TO_COMPARE.search(question):
            return None
        scope = self.scopes.scope_of(question, every=True)
        if scope is None or not MIN_DOCUMENTS <= len(scope.document_ids) <= MAX_DOCUMENTS:
            return None
        topic = topic_of(question, scope)
        if not topic:
            return None
        comparison = self.comparison().compare(scope.document_ids, topic, language)
        return as_answer(comparison).model_copy(update={"searched_in": scope.titles})


def topic_of(question: str, scope: Scope) -> str | None:
    found = _TOPIC.search(question)
    if found:
        return found.group(1).strip() or None
    rest = question
    for name in [*scope.titles, *LAENDER, *(a for shorts in LAENDER.values() for a in shorts)]:
        rest = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", rest, flags=re.I)
    rest = _FILLER.sub(" ", rest)
    words = [w for w in re.findall(r"[\wÄÖÜäöüß-]+", rest) if len(w) > 2]
    return " ".join(words) or None
