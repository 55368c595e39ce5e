"""The log's Merkle tree: RFC 9162 hashes, and inclusion and consistency proofs that verify and catch rewrites."""
from __future__ import annotations

import hashlib

import pytest

from kezek.log import merkle

# The eight test leaves of Certificate Transparency's reference code and their tree roots.
LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                     "606162636465666768696a6b6c6d6e6f")]
ROOTS = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 9162's definition, recursively over the leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def tree_of(n: int) -> merkle.MemoryTree:
    tree = merkle.MemoryTree()
    for i in range(n):
        tree.append(merkle.leaf_hash(f"event {i}".encode()))
    return tree


def test_roots_match_certificate_transparency_reference_values():
    tree = merkle.MemoryTree()
    for leaf, expected in zip(LEAVES, ROOTS):
        tree.append(merkle.leaf_hash(leaf))
        assert merkle.root(tree.subtree, tree.size).hex() == expected
    assert merkle.root(tree.subtree, 0) == hashlib.sha256(b"").digest()


def test_every_root_equals_the_definition():
    tree = tree_of(70)
    for size in range(71):
        assert merkle.root(tree.subtree, size) == reference_root(tree.levels[0][:size])


def test_every_inclusion_proof_verifies_and_a_wrong_leaf_does_not():
    tree = tree_of(37)
    for size in range(1, 38):
        top = merkle.root(tree.subtree, size)
        for index in range(size):
            proof = merkle.inclusion_proof(tree.subtree, index, size)
            merkle.verify_inclusion(tree.levels[0][index], index, size, proof, top)
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(merkle.leaf_hash(b"forged"), index, size, proof, top)
            if size > 1:
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion(tree.levels[0][index], (index + 1) % size, size, proof, top)


def test_every_consistency_proof_verifies():
    tree = tree_of(33)
    for new in range(34):
        for old in range(new + 1):
            proof = merkle.consistency_proof(tree.subtree, old, new)
            merkle.verify_consistency(old, new, merkle.root(tree.subtree, old), merkle.root(tree.subtree, new), proof)


def test_a_rewritten_history_fails_the_consistency_proof():
    honest, forked = tree_of(20), tree_of(12)
    for i in range(12, 20):
        forked.append(merkle.leaf_hash(f"rewritten {i}".encode()))
    for old in range(13, 20):
        proof = merkle.consistency_proof(forked.subtree, old, 20)
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(old, 20, merkle.root(honest.subtree, old), merkle.root(forked.subtree, 20), proof)
    with pytest.raises(merkle.ProofError):   # same size, another root
        merkle.verify_consistency(20, 20, merkle.root(honest.subtree, 20), merkle.root(forked.subtree, 20), [])
    with pytest.raises(merkle.ProofError):   # a shrunk log (a restored backup) is never consistent
        merkle.verify_consistency(20, 12, merkle.root(honest.subtree, 20), merkle.root(forked.subtree, 12), [])
