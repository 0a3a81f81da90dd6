"""MinHash signatures of texts and an index that finds the near copies of one.

The only module importing datasketch (and numpy, its arrays). A signature estimates the
share of word shingles two texts have in common (their Jaccard similarity) from 64
numbers; the LSH index returns, for a new signature, the stored ones likely above
``CANDIDATE`` similarity without comparing it with every one.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

#: Numbers in a signature: the estimate's error is about 1/sqrt(64) = 0.125.
PERMUTATIONS = 64
#: The index returns stored texts likely to share at least this share of shingles.
CANDIDATE = 0.3
#: Fixed, so that signatures stored by one process compare with another's.
_SEED = 20260201
# Building the permutations costs more than hashing an article's shingles: once only.
_PERMUTATIONS = MinHash(num_perm=PERMUTATIONS, seed=_SEED).permutations


def _crc32(data: bytes) -> int:
    # 32 bits are all MinHash keeps of sha1 too; crc32 is C-fast and stable everywhere.
    return zlib.crc32(data)


def signature(shingles: Iterable[str]) -> bytes:
    """The signature of a set of shingles, as bytes to store (256 of them)."""
    sketch = MinHash(num_perm=PERMUTATIONS, seed=_SEED, hashfunc=_crc32, permutations=_PERMUTATIONS)
    sketch.update_batch([s.encode() for s in shingles])
    return bytes(sketch.hashvalues.astype(np.uint32).tobytes())


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    left, right = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    return float(np.count_nonzero(left == right)) / PERMUTATIONS


def _sketch(value: bytes) -> MinHash:
    hashes = np.frombuffer(value, dtype=np.uint32).astype(np.uint64)
    return MinHash(num_perm=PERMUTATIONS, seed=_SEED, hashvalues=hashes, permutations=_PERMUTATIONS)


class NearIndex:
    """Signatures by article id, queried for the likely near copies of a new one."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=CANDIDATE, num_perm=PERMUTATIONS)

    def add(self, article_id: int, value: bytes) -> None:
        if article_id not in self._lsh:
            self._lsh.insert(article_id, _sketch(value))

    def candidates(self, value: bytes) -> list[int]:
        return [int(key) for key in self._lsh.query(_sketch(value))]

    def remove(self, article_id: int) -> None:
        if article_id in self._lsh:
            self._lsh.remove(article_id)
