"""Stable merge sort, top-down and bottom-up, checked against sorted() on random lists and
records; the source's merge, which takes the right element on ties, is shown to be unstable.
"""

import random
from dataclasses import dataclass
from typing import Any


def merge(left: list, right: list) -> list:
    """Merge two sorted lists. `<=` takes the LEFT element on ties: that is what makes the
    sort stable (equal keys keep their input order)."""
    merged, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            j += 1
    merged.extend(left[i:])  # at most one of these two is non-empty
    merged.extend(right[j:])
    return merged


def merge_sort(items: list) -> list:
    """Top-down merge sort: returns a new sorted list. O(n log n) time, O(n) extra space."""
    if len(items) <= 1:
        return list(items)
    mid = len(items) // 2
    return merge(merge_sort(items[:mid]), merge_sort(items[mid:]))


def merge_sort_bottom_up(items: list) -> list:
    """Iterative merge sort: merge runs of width 1, 2, 4, ... between two buffers.
    No recursion and no left/right lists built per merge; one extra buffer of n items
    (only a leftover run goes through a temporary slice when it is copied across)."""
    src, dst = list(items), [None] * len(items)
    n, width = len(src), 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if src[i] <= src[j]:  # left run first on ties: stable
                    dst[k] = src[i]
                    i += 1
                else:
                    dst[k] = src[j]
                    j += 1
                k += 1
            dst[k : k + mid - i] = src[i:mid]  # copy whichever run is left over
            k += mid - i
            dst[k : k + hi - j] = src[j:hi]
        src, dst = dst, src  # the merged runs become the input of the next pass
        width *= 2
    return src


def count_inversions(items: list) -> tuple[list, int]:
    """Sorted copy and the number of pairs i < j with items[i] > items[j], in O(n log n):
    when the merge takes right[j], the len(left) - i items still in left are all larger."""
    if len(items) <= 1:
        return list(items), 0
    mid = len(items) // 2
    (left, a), (right, b) = count_inversions(items[:mid]), count_inversions(items[mid:])
    merged, i, j, inversions = [], 0, 0, a + b
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:  # equal items are not an inversion
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            inversions += len(left) - i
            j += 1
    return merged + left[i:] + right[j:], inversions


def merge_sort_source(arr: list) -> list:
    """The source post's version, its merge inlined: the comparison is `<`, not `<=`."""
    if len(arr) <= 1:
        return arr
    mid = len(arr) // 2
    left, right = merge_sort_source(arr[:mid]), merge_sort_source(arr[mid:])
    result, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] < right[j]:  # on a tie this takes right[j] first
            result.append(left[i])
            i += 1
        else:
            result.append(right[j])
            j += 1
    return result + left[i:] + right[j:]


@dataclass
class Record:
    """Sorted by `key` only, like rows sorted by one column; `label` tells equal keys apart."""

    key: int
    label: str

    def __lt__(self, other: Any) -> bool:
        return self.key < other.key

    def __le__(self, other: Any) -> bool:
        return self.key <= other.key

    def __repr__(self) -> str:
        return f"{self.key}{self.label}"


def by_key(records: list[Record]) -> list[Record]:
    """The reference: Python's sorted() is guaranteed stable."""
    return sorted(records, key=lambda r: r.key)


def same_order(a: list[Record], b: list[Record]) -> bool:
    return [id(r) for r in a] == [id(r) for r in b]


rng = random.Random(0)  # noqa: S311 - test data
sorts = {"top-down": merge_sort, "bottom-up": merge_sort_bottom_up}

# 1. Numbers: random lists with duplicates, and the edge cases, against sorted().
for _ in range(1000):
    items = [rng.randint(-9, 9) for _ in range(rng.randint(0, 60))]
    original = list(items)
    for sort in sorts.values():
        assert sort(items) == sorted(items), items
    assert items == original  # the input is not modified
edge_cases = [[], [1], [2, 1], [5] * 9, list(range(20)), list(range(20, 0, -1)), ["b", "a", "b"]]
for items in edge_cases:
    for sort in sorts.values():
        assert sort(items) == sorted(items), items
print(f"1000 random lists and {len(edge_cases)} edge cases: both versions match sorted()")

# 2. Stability on a minimal counterexample: keys [1, 1, 0] labeled a, b, c.
records = [Record(1, "a"), Record(1, "b"), Record(0, "c")]
print(f"input                {records}")
print(f"source (<)           {merge_sort_source(records)}  <- 1b before 1a: not stable")
for name, sort in sorts.items():
    result = sort(records)
    assert same_order(result, by_key(records))
    print(f"{name + ' (<=)':20s} {result}")

# 3. Stability on random records with few distinct keys, compared with sorted().
trials, source_unstable = 500, 0
for _ in range(trials):
    records = [Record(rng.randint(0, 3), str(i)) for i in range(rng.randint(0, 30))]
    for sort in sorts.values():
        assert same_order(sort(records), by_key(records))
    source_unstable += not same_order(merge_sort_source(records), by_key(records))
print(f"random records: ours keep equal keys in order in {trials}/{trials} lists,")
print(f"                the source's `<` breaks that order in {source_unstable}/{trials}")
assert source_unstable > trials // 2

# 4. Follow-up: counting inversions during the merge, against the O(n^2) pair count.
for _ in range(500):
    items = [rng.randint(0, 9) for _ in range(rng.randint(0, 40))]
    pairs = sum(items[i] > items[j] for i in range(len(items)) for j in range(i + 1, len(items)))
    assert count_inversions(items) == (sorted(items), pairs), items
worst = list(range(2000, 0, -1))  # reversed: every pair is an inversion
reversed_count = count_inversions(worst)[1]
assert reversed_count == 2000 * 1999 // 2
print(f"inversions: 500 random lists match the O(n^2) count; 2000 reversed -> {reversed_count:,}")
