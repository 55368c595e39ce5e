"""Merkle tree hashes, inclusion and consistency proofs as RFC 9162 (Certificate Transparency 2.0) defines them.

Leaves are hashed as SHA-256(0x00 || entry), interior nodes as SHA-256(0x01 || left || right),
and the tree of n leaves splits at the largest power of two below n. Every subtree the
algorithms need is either complete and aligned (level l, index i: leaves i·2^l … (i+1)·2^l − 1),
read through `subtree(level, index)`, or made of such subtrees, so a log that keeps its
complete subtrees answers a root or a proof in O(log n) reads.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

EMPTY_ROOT = hashlib.sha256(b"").digest()
Subtree = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof that does not verify (or is malformed)."""


def leaf_hash(entry: bytes) -> bytes:
    """The hash of one log entry."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_hash(subtree: Subtree, start: int, end: int) -> bytes:
    """MTH of the leaves [start, end), from complete aligned subtrees."""
    n = end - start
    if n == 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0 and start % n == 0:
        return subtree(n.bit_length() - 1, start // n)
    k = _split(n)
    return node_hash(subtree_hash(subtree, start, start + k), subtree_hash(subtree, start + k, end))


def root(subtree: Subtree, size: int) -> bytes:
    """The root hash of the first `size` leaves."""
    return subtree_hash(subtree, 0, size)


def inclusion_proof(subtree: Subtree, index: int, size: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            path.append(subtree_hash(subtree, start + k, end))
            end = start + k
        else:
            path.append(subtree_hash(subtree, start, start + k))
            start += k
    return path[::-1]


def consistency_proof(subtree: Subtree, old: int, new: int) -> list[bytes]:
    """The proof that the tree of `old` leaves is a prefix of the tree of `new` (RFC 9162 §2.1.4.1)."""
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from {old} to {new}")
    if old == 0 or old == new:
        return []
    path: list[bytes] = []
    start, end, whole = 0, new, True
    m = old
    while True:
        n = end - start
        if m == n:
            if not whole:
                path.append(subtree_hash(subtree, start, end))
            break
        k = _split(n)
        if m <= k:
            path.append(subtree_hash(subtree, start + k, end))
            end = start + k
        else:
            path.append(subtree_hash(subtree, start, start + k))
            start, m, whole = start + k, m - k, False
    return path[::-1]


def _up_the_right_edge(fn: int, sn: int) -> tuple[int, int]:
    """On the tree's right edge a node has no sibling: climb until fn is a right child (or the root)."""
    while not (fn & 1 or fn == 0):
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], expected_root: bytes) -> None:
    """Raise ProofError unless `proof` puts `leaf` at `index` of the tree with `expected_root` (§2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError("the leaf index is outside the tree")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _up_the_right_edge(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or r != expected_root:
        raise ProofError("the inclusion proof does not lead to the root")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> None:
    """Raise ProofError unless `proof` shows the tree (old, old_root) is a prefix of (new, new_root) (§2.1.4.2)."""
    if not 0 <= old <= new:
        raise ProofError("the new tree is smaller than the old one")
    if old == new:
        if proof or old_root != new_root:
            raise ProofError("the same size with another root: the log was rewritten")
        return
    if old == 0:
        if proof:
            raise ProofError("an empty tree needs no proof")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _up_the_right_edge(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise ProofError("the consistency proof does not join the two roots: the log was rewritten")


class MemoryTree:
    """A tree kept in memory: every complete subtree stored as leaves are appended (tests, verifiers)."""

    def __init__(self):
        self.levels: list[list[bytes]] = [[]]

    @property
    def size(self) -> int:
        """How many leaves."""
        return len(self.levels[0])

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; returns the complete subtrees it made, (level, index, hash), the leaf first."""
        made = [(0, self.size, leaf)]
        self.levels[0].append(leaf)
        level, index = 0, self.size - 1
        while index & 1:
            left, right = self.levels[level][index - 1], self.levels[level][index]
            level, index = level + 1, index >> 1
            if len(self.levels) == level:
                self.levels.append([])
            self.levels[level].append(node_hash(left, right))
            made.append((level, index, self.levels[level][index]))
        return made

    def subtree(self, level: int, index: int) -> bytes:
        """A complete subtree's hash."""
        return self.levels[level][index]
