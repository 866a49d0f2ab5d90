"""Chunks of an asked section of a law ("nach § 10") are kept among the passages: the best three of
them replace the lowest-ranked others, and the rest of the ranking is unchanged."""

from __future__ import annotations

import numpy as np

from assistant.services.retrieval import _with_pinned


def test_pinned_chunks_replace_the_lowest_ranked_others():
    ranked = np.array([5, 4, 3, 2, 1, 0])

    assert _with_pinned(ranked, [0, 1], 4).tolist() == [5, 4, 1, 0]
    assert _with_pinned(ranked, [4], 4).tolist() == [5, 4, 3, 2]  # already there: nothing moves
    assert _with_pinned(ranked, [], 3).tolist() == [5, 4, 3]
    # at most three: the best-ranked of them
    assert _with_pinned(ranked, [0, 1, 2, 3], 4).tolist() == [5, 3, 2, 1]
