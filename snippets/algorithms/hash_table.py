"""A hash table with separate chaining: put/get/delete, iteration, and doubling with a full
rehash when the load factor passes 0.75. Checked against dict on random operations with
overwrites and deletes; a key class whose hash always collides shows the O(n) worst case.
"""

import random
from collections.abc import Hashable, Iterator
from typing import Any

_MISSING = object()  # sentinel: lets get() tell "no default given" from default=None


class HashTable:
    """Each bucket is a list of [hash, key, value] entries whose hash maps to that bucket."""

    def __init__(self, capacity: int = 8, max_load: float = 0.75) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        if max_load <= 0:
            raise ValueError(f"max_load must be positive, got {max_load}")
        self._buckets: list[list[list[Any]]] = [[] for _ in range(capacity)]
        self._size = 0
        self.max_load = max_load
        self.resizes = 0

    def _find(self, key: Hashable) -> tuple[list[list[Any]], int, int]:
        """Return (bucket, position in the bucket or -1, hash of the key)."""
        key_hash = hash(key)
        bucket = self._buckets[key_hash % len(self._buckets)]
        for position, (entry_hash, entry_key, _) in enumerate(bucket):
            # identity first, then the cheap stored hash, and only then equality: the order
            # of CPython's dict lookup (compare_generic in Objects/dictobject.c)
            if entry_key is key or (entry_hash == key_hash and entry_key == key):
                return bucket, position, key_hash
        return bucket, -1, key_hash

    def put(self, key: Hashable, value: Any) -> None:
        bucket, position, key_hash = self._find(key)
        if position >= 0:
            bucket[position][2] = value  # overwrite: the size does not change
            return
        bucket.append([key_hash, key, value])
        self._size += 1
        if self.load_factor > self.max_load:
            self._resize(2 * len(self._buckets))

    def get(self, key: Hashable, default: Any = _MISSING) -> Any:
        bucket, position, _ = self._find(key)
        if position >= 0:
            return bucket[position][2]
        if default is _MISSING:
            raise KeyError(key)  # a stored None and a missing key stay distinguishable
        return default

    def delete(self, key: Hashable) -> None:
        bucket, position, _ = self._find(key)
        if position < 0:
            raise KeyError(key)
        bucket[position] = bucket[-1]  # order inside a bucket does not matter:
        bucket.pop()  # swap with the last entry and pop in O(1)
        self._size -= 1

    def _resize(self, new_capacity: int) -> None:
        """Rehash every entry: its bucket depends on the capacity. O(n), but amortized O(1)."""
        old_buckets = self._buckets
        self._buckets = [[] for _ in range(new_capacity)]
        for bucket in old_buckets:
            for entry in bucket:  # the stored hash avoids calling hash() again
                self._buckets[entry[0] % new_capacity].append(entry)
        self.resizes += 1

    @property
    def load_factor(self) -> float:
        return self._size / len(self._buckets)

    @property
    def capacity(self) -> int:
        return len(self._buckets)

    def longest_chain(self) -> int:
        return max(len(bucket) for bucket in self._buckets)

    def items(self) -> Iterator[tuple[Hashable, Any]]:
        for bucket in self._buckets:  # bucket order, not insertion order (unlike dict)
            for _, key, value in bucket:
                yield key, value

    def __iter__(self) -> Iterator[Hashable]:
        return (key for key, _ in self.items())

    def __len__(self) -> int:
        return self._size

    def __contains__(self, key: Hashable) -> bool:
        return self._find(key)[1] >= 0

    __getitem__ = get
    __setitem__ = put
    __delitem__ = delete


# --- edge cases ----------------------------------------------------------------------------
table = HashTable()
assert len(table) == 0 and list(table) == [] and "a" not in table
assert table.get("a", None) is None
for operation in (lambda: table["a"], lambda: table.delete("a")):
    try:
        operation()
    except KeyError:
        pass
    else:
        raise AssertionError("a missing key must raise KeyError")
table["a"] = None  # a stored None is a value, not "missing"
assert "a" in table and table["a"] is None and len(table) == 1
table["a"] = 1  # overwrite keeps one entry
table[1] = "int key"
table[True] = "bool key"  # True == 1 and hash(True) == hash(1): the same key, as in dict
assert len(table) == 2 and table[1] == "bool key"
del table["a"]
assert "a" not in table and len(table) == 1
for bad_capacity in (0, -3):
    try:
        HashTable(capacity=bad_capacity)
    except ValueError:
        pass
    else:
        raise AssertionError("capacity 0 must be rejected")
try:
    table[["a", "list"]] = 1
except TypeError:
    pass  # unhashable keys fail in hash(), exactly like dict
else:
    raise AssertionError("a list is not hashable")

# --- growth: 1,000 inserts into a table that starts with 8 buckets -------------------------
table = HashTable()
for i in range(1000):
    table[f"key{i}"] = i
    assert table.load_factor <= 0.75
print(
    f"1000 keys: capacity {table.capacity}, {table.resizes} resizes, "
    f"load factor {table.load_factor:.3f}"
)
assert (table.capacity, table.resizes) == (2048, 8)

# --- against dict: 20,000 random operations on 200 keys ------------------------------------
rng = random.Random(0)  # noqa: S311 - test data, not cryptography
table, reference = HashTable(), {}
counts = {"put": 0, "overwrite": 0, "get": 0, "get missing": 0, "delete": 0, "delete missing": 0}
for step in range(20_000):
    key = f"k{rng.randrange(200)}" if rng.random() < 0.8 else rng.randrange(50)  # str and int
    action = rng.choices(["put", "get", "delete"], weights=[5, 3, 2])[0]
    if action == "put":
        counts["overwrite" if key in reference else "put"] += 1
        value = rng.randrange(1000)
        table[key] = value
        reference[key] = value
    elif action == "get":
        counts["get" if key in reference else "get missing"] += 1
        assert table.get(key, "absent") == reference.get(key, "absent")
    else:
        counts["delete" if key in reference else "delete missing"] += 1
        try:
            del reference[key]
        except KeyError:
            expected_error = True
        else:
            expected_error = False
        try:
            del table[key]
        except KeyError:
            assert expected_error, key
        else:
            assert not expected_error, key
    assert len(table) == len(reference) and (key in table) == (key in reference)
    if step % 1000 == 0:
        assert dict(table.items()) == reference and set(table) == set(reference)
assert dict(table.items()) == reference
print("20000 random operations agree with dict:")
print("  " + ", ".join(f"{k} {n}" for k, n in counts.items()))


# --- the worst case: every key has the same hash -------------------------------------------
class CollidingKey:
    """Equal when the names are equal, but every instance hashes to 42."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CollidingKey) and self.name == other.name

    def __hash__(self) -> int:
        return 42


table = HashTable()
for i in range(500):
    table[CollidingKey(str(i))] = i
assert all(table[CollidingKey(str(i))] == i for i in range(500))
print(f"500 colliding keys: still correct, but one chain holds {table.longest_chain()} entries")
assert table.longest_chain() == 500


# --- follow-up: an LRU cache, a hash table plus a doubly linked list ------------------------
class _Node:
    __slots__ = ("key", "value", "prev", "next")

    def __init__(self, key: Hashable = None, value: Any = None) -> None:
        self.key, self.value = key, value
        self.prev: _Node = self
        self.next: _Node = self


class LRUCache:
    """get and put in O(1): the dict finds the node, the list keeps recency order
    (most recent next to the sentinel's `prev`, least recent at its `next`)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._nodes: dict[Hashable, _Node] = {}
        self._sentinel = _Node()  # circular list: sentinel.next is the oldest entry

    def _unlink(self, node: _Node) -> None:
        node.prev.next, node.next.prev = node.next, node.prev

    def _append(self, node: _Node) -> None:  # make node the most recent
        last = self._sentinel.prev
        last.next, node.prev, node.next, self._sentinel.prev = node, last, self._sentinel, node

    def get(self, key: Hashable, default: Any = None) -> Any:
        node = self._nodes.get(key)
        if node is None:
            return default
        self._unlink(node)  # a hit makes the key the most recent
        self._append(node)
        return node.value

    def put(self, key: Hashable, value: Any) -> Hashable | None:
        """Insert or update; returns the evicted key, if any."""
        node = self._nodes.get(key)
        if node is not None:
            node.value = value
            self._unlink(node)
            self._append(node)
            return None
        evicted = None
        if len(self._nodes) == self.capacity:
            oldest = self._sentinel.next
            self._unlink(oldest)
            del self._nodes[oldest.key]
            evicted = oldest.key
        node = _Node(key, value)
        self._nodes[key] = node
        self._append(node)
        return evicted


# reference: a plain list in recency order, O(capacity) per operation
rng = random.Random(1)  # noqa: S311 - test data
cache, order, values, evictions = LRUCache(capacity=8), [], {}, 0
for _ in range(20_000):
    key = rng.randrange(20)
    if rng.random() < 0.5:
        expected = values[key] if key in order else None
        if key in order:
            order.remove(key)
            order.append(key)
        assert cache.get(key) == expected
    else:
        value = rng.randrange(1000)
        expected_evicted = None
        if key in order:
            order.remove(key)
        elif len(order) == 8:
            expected_evicted = order.pop(0)
            del values[expected_evicted]
        order.append(key)
        values[key] = value
        assert cache.put(key, value) == expected_evicted
        evictions += expected_evicted is not None
walk, node = [], cache._sentinel.next  # the linked list, oldest first
while node is not cache._sentinel:
    walk.append(node.key)
    node = node.next
assert walk == order and set(cache._nodes) == set(order)
print("LRU cache (capacity 8, 20 keys): 20000 operations agree with a recency list,")
print(f"  {evictions} evictions")
