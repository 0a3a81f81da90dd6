"""MinHash signatures of texts, and an index that finds the near copies of one.

The only module importing numpy. A signature estimates the share of word shingles two
texts have in common (their Jaccard similarity) from 64 numbers: for each of 64 random
permutations of the 32-bit shingle hashes, the least value it takes over the text's
shingles (Broder's MinHash, computed as datasketch computes it, with the same seeded
permutations). It is written here rather than imported because importing datasketch
imports scipy as well (for its LSH parameters): 0.6 s and 58 MB in every process that
places an article.

The index compares a new signature with every stored one at once, as rows of one
array: exact where an LSH index estimates, and a window of 2,000 articles costs about
0.09 ms.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np

#: Numbers in a signature: the estimate's error is about 1/sqrt(64) = 0.125.
PERMUTATIONS = 64
#: Fixed, so that signatures stored by one process compare with another's.
_SEED = 20260201
_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # h -> (a*h + b) mod p, over 32 bits: a universal hash family, one (a, b) per number.
    gen = np.random.RandomState(_SEED)
    pairs = [
        (gen.randint(1, _PRIME, dtype=np.uint64), gen.randint(0, _PRIME, dtype=np.uint64))
        for _ in range(PERMUTATIONS)
    ]
    a, b = np.array(pairs, dtype=np.uint64).T
    return a, b


_A, _B = _permutations()


def signature(shingles: Iterable[str]) -> bytes:
    """The signature of a set of shingles, as bytes to store (256 of them)."""
    # crc32: 32 bits are all the permutations keep of any hash; it is C-fast and stable.
    hashes = np.array([zlib.crc32(s.encode()) for s in shingles], dtype=np.uint64)
    if not hashes.size:
        return bytes(np.full(PERMUTATIONS, _MAX_HASH, dtype=np.uint32).tobytes())
    permuted = ((hashes[:, None] * _A + _B) % _PRIME) & _MAX_HASH
    return bytes(permuted.min(axis=0).astype(np.uint32).tobytes())


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    left, right = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    return float(np.count_nonzero(left == right)) / PERMUTATIONS


class NearIndex:
    """Signatures by article id, queried for the stored ones most like a new one."""

    def __init__(self) -> None:
        self._ids: list[int] = []
        self._rows = np.empty((64, PERMUTATIONS), dtype=np.uint32)

    def add(self, article_id: int, value: bytes) -> None:
        if len(self._ids) == len(self._rows):  # full: double, so adding stays O(1)
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        self._rows[len(self._ids)] = np.frombuffer(value, dtype=np.uint32)
        self._ids.append(article_id)

    def similar(self, value: bytes, least: float) -> list[tuple[int, float]]:
        """(article id, similarity) of every stored signature at least ``least`` alike."""
        if not self._ids:
            return []
        rows = self._rows[: len(self._ids)]
        shares = np.count_nonzero(rows == np.frombuffer(value, dtype=np.uint32), axis=1)
        found = np.flatnonzero(shares >= least * PERMUTATIONS)
        return [(self._ids[i], float(shares[i]) / PERMUTATIONS) for i in found]
