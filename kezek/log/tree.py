"""Each office's transparency log: an RFC 9162 Merkle tree whose leaf i is the office's i-th event.

The entry of a leaf is the event row's canonical bytes, exactly what the hash chain hashes
(kezek/log/chain.canonical): the UTF-8 JSON array, compact (separators "," and ":", no
ASCII escaping), of the row's id, at, office_id, name, ticket_id, service_id, desk_id,
user_id, device_id, details (the JSON text as stored) and prev_hash. Because prev_hash is in
it, a leaf binds the whole chain before it. Leaf hash = SHA-256(0x00 || entry).

The tree is extended outside the hot path: `extend` places the events logged since the last
call (the checkpoint job runs it every minute, a proof runs it first), in short transactions.
"""
from __future__ import annotations

from kezek.base import database
from kezek.log import chain, merkle, store

BATCH = 2000    # events placed per transaction: a long backlog holds the writer lock a fraction of a second


def entry(row: dict) -> bytes:
    """The log entry of an event row: the one it was first written with when it moved in (kezek/moving), else its own."""
    if row.get("entry"):
        return row["entry"].encode("utf-8")
    return chain.canonical(row)


class Frontier:
    """The right edge of a growing tree (its complete subtrees not yet joined): O(log n) memory."""

    def __init__(self, size: int = 0, nodes: list[tuple[int, int, bytes]] | None = None):
        self.size = size
        self.nodes = nodes or []     # (level, index, hash), highest level first

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; the complete subtrees it made, (level, index, hash), the leaf first."""
        made = [(0, self.size, leaf)]
        node = made[0]
        while self.nodes and self.nodes[-1][0] == node[0]:
            level, index, left = self.nodes.pop()
            node = (level + 1, index >> 1, merkle.node_hash(left, node[2]))
            made.append(node)
        self.nodes.append(node)
        self.size += 1
        return made

    def root(self) -> bytes:
        """The root hash of the leaves so far."""
        if not self.nodes:
            return merkle.EMPTY_ROOT
        value = self.nodes[-1][2]
        for _level, _index, left in reversed(self.nodes[:-1]):
            value = merkle.node_hash(left, value)
        return value


def frontier_slots(size: int) -> list[tuple[int, int]]:
    """The (level, index) of the complete subtrees on the right edge of a tree of `size` leaves."""
    slots, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            slots.append((level, start >> level))
            start += 1 << level
    return slots


def _load_frontier(db, office_id: str, size: int) -> Frontier:
    return Frontier(size, [(lv, ix, store.log_node(db, office_id, lv, ix)) for lv, ix in frontier_slots(size)])


def extend(db) -> dict[str, int]:
    """Place every event logged since the last call in its office's tree; each changed office's new size."""
    changed: dict[str, int] = {}
    while True:
        with database.transaction(db, durable=False):   # derived from the events: rebuilt if a crash loses it
            rows = store.event_rows_after(db, store.tree_cursor(db), BATCH)
            if not rows:
                return changed
            sizes = store.tree_sizes(db)
            frontiers: dict[str, Frontier] = {}
            nodes, leaves = [], []
            for row in rows:
                office = row["office_id"]
                if office not in frontiers:
                    frontiers[office] = _load_frontier(db, office, sizes.get(office, 0))
                tree = frontiers[office]
                leaves.append((row["id"], office, tree.size))
                nodes += [(office, lv, ix, h) for lv, ix, h in tree.append(merkle.leaf_hash(entry(row)))]
            store.insert_log_nodes(db, nodes)
            store.insert_log_leaves(db, leaves)
            for office, tree in frontiers.items():
                store.set_tree_size(db, office, tree.size)
                changed[office] = tree.size
        if len(rows) < BATCH:
            return changed


def size(db, office_id: str) -> int:
    """How many of an office's events are in its tree."""
    return store.tree_sizes(db).get(office_id, 0)


def _reader(db, office_id: str) -> merkle.Subtree:
    def subtree(level: int, index: int) -> bytes:
        value = store.log_node(db, office_id, level, index)
        if value is None:
            raise merkle.ProofError(f"no subtree {level}/{index} in the log of {office_id}")
        return value
    return subtree


def root(db, office_id: str, tree_size: int) -> bytes:
    """The root hash of an office's first `tree_size` leaves (at most the tree's size)."""
    return merkle.root(_reader(db, office_id), tree_size)


def inclusion(db, office_id: str, index: int, tree_size: int) -> list[bytes]:
    """The audit path of leaf `index` in an office's tree of `tree_size` leaves."""
    return merkle.inclusion_proof(_reader(db, office_id), index, tree_size)


def consistency(db, office_id: str, old: int, new: int) -> list[bytes]:
    """The proof that an office's tree of `old` leaves is a prefix of its tree of `new`."""
    return merkle.consistency_proof(_reader(db, office_id), old, new)


def recompute(db, office_id: str, sizes: set[int]) -> tuple[int, dict[int, bytes]]:
    """From the events alone (not the kept subtrees): the office's log size and its root at each size asked."""
    tree, roots = Frontier(), {}
    if 0 in sizes:
        roots[0] = merkle.EMPTY_ROOT
    encode, leaf, append = chain.canonical_values, merkle.leaf_hash, tree.append   # the hot loop of verify-log
    for values in store.office_entries(db, office_id):    # FIELDS' values, then the imported entry (None)
        append(leaf(values[11].encode("utf-8") if values[11] is not None else encode(values[:11])))
        if tree.size in sizes:
            roots[tree.size] = tree.root()
    roots[tree.size] = tree.root()
    return tree.size, roots
