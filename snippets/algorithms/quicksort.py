"""In-place quicksort (random pivot, Lomuto partition) and its three-way variant, checked
against sorted(); comparison counts show the O(n^2) cases, and recursing into the smaller
part keeps the stack O(log n). The list-comprehension version from the source is shown too.
"""

import math
import random
from collections.abc import Callable
from typing import Any

# A fixed seed keeps this demonstration reproducible. Facing adversarial input, use an
# unseeded random.Random() so nobody can predict the pivots and craft a worst case.
_pivot_rng = random.Random(42)  # noqa: S311 - pivot choice, not cryptography


def _check_orderable(items: list) -> None:
    """NaN compares False with everything, so no partition can place it: reject it."""
    if any(x != x for x in items):
        raise ValueError("cannot sort NaN: it is not ordered with respect to anything")


def _lomuto_partition(items: list, lo: int, hi: int) -> int:
    """Partition items[lo..hi] around a random pivot; return the pivot's final index."""
    r = _pivot_rng.randint(lo, hi)
    items[r], items[hi] = items[hi], items[r]  # move the pivot to the end
    pivot = items[hi]
    store = lo  # invariant: items[lo:store] < pivot <= items[store:j]
    for j in range(lo, hi):
        if items[j] < pivot:
            items[store], items[j] = items[j], items[store]
            store += 1
    items[store], items[hi] = items[hi], items[store]  # the pivot lands in its final place
    return store


def quicksort(items: list, lo: int = 0, hi: int | None = None, depth: int = 1) -> int:
    """Sort items in place. Returns the deepest recursion level used (to check the bound)."""
    if hi is None:
        _check_orderable(items)
        hi = len(items) - 1
    deepest = depth
    while lo < hi:
        p = _lomuto_partition(items, lo, hi)
        # Recurse into the smaller part, loop on the larger: each recursive call gets at
        # most half of the range, so the depth stays below log2(n) + 1.
        if p - lo < hi - p:
            deepest = max(deepest, quicksort(items, lo, p - 1, depth + 1))
            lo = p + 1
        else:
            deepest = max(deepest, quicksort(items, p + 1, hi, depth + 1))
            hi = p - 1
    return deepest


def quicksort_3way(items: list, lo: int = 0, hi: int | None = None) -> None:
    """Three-way (Dutch national flag) quicksort: all keys equal to the pivot are settled in
    one pass, so many duplicates cost O(n) per distinct key instead of O(n^2)."""
    if hi is None:
        _check_orderable(items)
        hi = len(items) - 1
    while lo < hi:
        pivot = items[_pivot_rng.randint(lo, hi)]
        lt, i, gt = lo, lo, hi  # items[lo:lt] < pivot, items[lt:i] == pivot, items[gt+1:] > pivot
        while i <= gt:
            if items[i] < pivot:
                items[lt], items[i] = items[i], items[lt]
                lt += 1
                i += 1
            elif pivot < items[i]:
                items[i], items[gt] = items[gt], items[i]
                gt -= 1
            else:
                i += 1
        if lt - lo < hi - gt:  # smaller side first, as above
            quicksort_3way(items, lo, lt - 1)
            lo = gt + 1
        else:
            quicksort_3way(items, gt + 1, hi)
            hi = lt - 1


def quickselect(items: list, k: int) -> object:
    """The k-th smallest item (k = 0 is the minimum), expected O(n): partition as in
    quicksort, then continue only in the part that holds position k. Works on a copy."""
    if not 0 <= k < len(items):
        raise IndexError(f"k = {k} is out of range for {len(items)} items")
    items = list(items)
    lo, hi = 0, len(items) - 1
    while lo < hi:
        p = _lomuto_partition(items, lo, hi)
        if k == p:
            break
        if k < p:
            hi = p - 1
        else:
            lo = p + 1
    return items[k]


def quicksort_first_pivot(items: list, lo: int = 0, hi: int | None = None) -> None:
    """The naive version: always the first element as pivot (do not use)."""
    hi = len(items) - 1 if hi is None else hi
    if lo < hi:
        items[lo], items[hi] = items[hi], items[lo]  # Lomuto with the first element as pivot
        pivot, store = items[hi], lo
        for j in range(lo, hi):
            if items[j] < pivot:
                items[store], items[j] = items[j], items[store]
                store += 1
        items[store], items[hi] = items[hi], items[store]
        quicksort_first_pivot(items, lo, store - 1)
        quicksort_first_pivot(items, store + 1, hi)


def quicksort_source(arr: list) -> list:
    """The source post's version: middle pivot, three list comprehensions, new lists."""
    if len(arr) <= 1:
        return arr
    pivot = arr[len(arr) // 2]
    left = [x for x in arr if x < pivot]
    middle = [x for x in arr if x == pivot]
    right = [x for x in arr if x > pivot]
    return quicksort_source(left) + middle + quicksort_source(right)


def in_place(sort: Callable[[list], object]) -> Callable[[list], list]:
    """Adapt an in-place sort to 'return a sorted copy' for the checks."""

    def run(items: list) -> list:
        copy = list(items)
        sort(copy)
        return copy

    return run


# 1. Correctness: many random lists (lots of duplicates) and the edge cases, against sorted().
data_rng = random.Random(0)  # noqa: S311 - test data
sorts = {"lomuto": in_place(quicksort), "3-way": in_place(quicksort_3way)}
trials = 0
for _ in range(2000):
    n = data_rng.randint(0, 40)
    items = [data_rng.randint(-5, 5) for _ in range(n)]  # 11 distinct values: many repeats
    for sort in sorts.values():
        assert sort(items) == sorted(items), items
    trials += 1
edge_cases = [[], [7], [2, 1], list(range(50)), list(range(50, 0, -1)), [3] * 50, ["b", "a"]]
for items in edge_cases:
    for sort in sorts.values():
        assert sort(items) == sorted(items), items
print(f"{trials} random lists and {len(edge_cases)} edge cases: both versions match sorted()")


class Counted:
    """An int that counts how often it is compared (the cost model of comparison sorts)."""

    comparisons = 0

    def __init__(self, value: int) -> None:
        self.value = value

    def __lt__(self, other: Any) -> bool:
        Counted.comparisons += 1
        return self.value < other.value


def comparisons(sort: Callable[[list], object], values: list[int]) -> int:
    Counted.comparisons = 0
    items = [Counted(v) for v in values]
    sort(items)
    assert [c.value for c in items] == sorted(values)
    return Counted.comparisons


# 2. Cost: n log n on random input, n^2 / 2 when the pivot is always an extreme value.
n = 500
inputs = {
    "random": [data_rng.randrange(10**6) for _ in range(n)],
    "sorted": list(range(n)),
    "all equal": [7] * n,
}
print(f"comparisons for n = {n} (n log2 n = {n * math.log2(n):.0f}):")
print(f"  {'':21s} {'random':>8s} {'sorted':>7s} {'all equal':>10s}")
for name, sort in [
    ("first-element pivot", quicksort_first_pivot),
    ("random pivot, Lomuto", quicksort),
    ("random pivot, 3-way", quicksort_3way),
]:
    counts = [comparisons(sort, values) for values in inputs.values()]
    print(f"  {name:21s} {counts[0]:8d} {counts[1]:7d} {counts[2]:10d}")
    if name == "first-element pivot":
        assert counts[1] == n * (n - 1) // 2  # sorted input: every pivot is the minimum
    if name == "random pivot, 3-way":
        assert counts[2] <= 2 * n  # one pass settles every copy of the key
assert comparisons(quicksort, inputs["all equal"]) == n * (n - 1) // 2  # Lomuto's weak spot

# 3. Stack depth: recursing into the smaller part bounds it by log2(n) + 1.
big = list(range(100_000))
depth = quicksort(big)
assert big == sorted(big) and depth <= math.log2(len(big)) + 1
print(f"deepest recursion sorting 100000 sorted items: {depth} (log2 n = {math.log2(1e5):.1f})")

# 4. The source version: correct on ordinary input, but NaN is silently dropped ...
assert quicksort_source([3, 6, 8, 10, 1, 2, 1]) == [1, 1, 2, 3, 6, 8, 10]
nan = float("nan")
print(f"source quicksort([1, nan, 2]) -> {quicksort_source([1, nan, 2])}")
try:
    quicksort([1, nan, 2])
except ValueError:
    print("our quicksort([1, nan, 2]) -> ValueError")
try:
    quicksort([1, "a"])  # values that cannot be compared at all fail loudly already
except TypeError:
    pass
else:
    raise AssertionError("1 and 'a' cannot be ordered")


# ... and a crafted input puts the largest remaining value in the middle at every level,
# so the recursion is n deep and exceeds Python's default limit of 1000 frames.
def middle_pivot_killer(n: int) -> list[int]:
    positions, result = list(range(n)), [0] * n
    for value in range(n - 1, -1, -1):
        result[positions.pop(len(positions) // 2)] = value
    return result


killer = middle_pivot_killer(1200)
try:
    quicksort_source(killer)
except RecursionError:
    print("source quicksort on a crafted 1200-item input -> RecursionError")
assert in_place(quicksort)(killer) == sorted(killer)

# 5. Follow-up: quickselect (the k-th smallest, e.g. top-k) against sorted()[k].
for _ in range(1000):
    items = [data_rng.randint(-5, 5) for _ in range(data_rng.randint(1, 40))]
    k = data_rng.randrange(len(items))
    assert quickselect(items, k) == sorted(items)[k], (items, k)
select_counts = []
for _ in range(20):
    values = [data_rng.randrange(10**6) for _ in range(10_000)]
    Counted.comparisons = 0
    assert quickselect([Counted(v) for v in values], 5_000).value == sorted(values)[5_000]
    select_counts.append(Counted.comparisons)
mean_select = sum(select_counts) / len(select_counts)
print("quickselect: 1000 random (list, k) match sorted()[k]; the median of 10000 items")
sort_per_n = 2 * math.log(10_000)  # 1.39 log2 n: the leading term of quicksort's count
print(
    f"  takes {mean_select / 10_000:.1f} n comparisons on average; sorting about {sort_per_n:.1f} n"
)
assert mean_select < 4 * 10_000  # linear: the expected count for the median is about 3.4 n
