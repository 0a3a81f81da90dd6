"""minhash.py: signatures that estimate shared shingles, and the index of near copies."""

from __future__ import annotations

from monitor.stories import minhash


def shingles(words: list[str]) -> set[str]:
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def test_the_index_finds_every_stored_signature_alike_and_only_those() -> None:
    base = [f"w{n}" for n in range(300)]
    original = minhash.signature(shingles(base))
    index = minhash.NearIndex()
    for n in range(200):  # past the first allocation, so the rows grow
        index.add(1000 + n, minhash.signature(shingles([f"other{n}-{k}" for k in range(50)])))
    index.add(1, minhash.signature(shingles([*base[:280], "dateline", "credit"])))
    index.add(2, original)
    found = dict(index.similar(original, 0.5))
    assert set(found) == {1, 2}
    assert found[2] == 1.0
    assert 0.7 <= found[1] < 1.0


def test_an_empty_text_has_a_signature_and_an_empty_index_finds_nothing() -> None:
    empty = minhash.signature(set())
    assert len(empty) == 4 * minhash.PERMUTATIONS
    assert minhash.NearIndex().similar(empty, 0.1) == []
