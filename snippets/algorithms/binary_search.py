"""Binary search: exact match, lower bound and upper bound, checked against bisect on random
sorted lists with duplicates; counting probes shows the O(log n) bound, and random tests
catch a one-character off-by-one bug.
"""

import math
import random
from bisect import bisect_left, bisect_right, insort, insort_left
from itertools import combinations, pairwise


def lower_bound(a: list, target: object) -> int:
    """First index i with a[i] >= target (len(a) if none). Precondition: a is sorted
    ascending. Same result as bisect.bisect_left."""
    lo, hi = 0, len(a)  # half-open [lo, hi); invariant: a[:lo] < target <= a[hi:]
    while lo < hi:
        mid = (lo + hi) // 2  # no overflow in Python; in C/Java write lo + (hi - lo) / 2
        if a[mid] < target:
            lo = mid + 1  # a[mid] is too small, and so is everything before it
        else:
            hi = mid  # a[mid] may be the answer: keep it inside [lo, hi)
    return lo


def upper_bound(a: list, target: object) -> int:
    """First index i with a[i] > target (len(a) if none). Same result as bisect_right."""
    lo, hi = 0, len(a)  # invariant: a[:lo] <= target < a[hi:]
    while lo < hi:
        mid = (lo + hi) // 2
        if target < a[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


def binary_search(a: list, target: object) -> int:
    """Index of the FIRST occurrence of target in the ascending list a, or -1.
    O(log n) time, O(1) space. On unsorted input the result is meaningless."""
    i = lower_bound(a, target)
    return i if i < len(a) and a[i] == target else -1


def binary_search_source(arr: list, target: object) -> int:
    """The source post's version: closed interval [low, high], returns any matching index."""
    low, high = 0, len(arr) - 1
    while low <= high:
        mid = (low + high) // 2
        if arr[mid] == target:
            return mid
        elif arr[mid] < target:
            low = mid + 1
        else:
            high = mid - 1
    return -1


def binary_search_off_by_one(arr: list, target: object) -> int:
    """The source's version with `<=` typed as `<`: a classic slip."""
    low, high = 0, len(arr) - 1
    while low < high:  # BUG: with a closed interval, [low, high] still holds one element
        mid = (low + high) // 2
        if arr[mid] == target:
            return mid
        elif arr[mid] < target:
            low = mid + 1
        else:
            high = mid - 1
    return -1


def search_rotated(a: list, target: object) -> int:
    """Index of target in a sorted list of DISTINCT values rotated at an unknown point
    ([4, 5, 6, 7, 0, 1, 2]), or -1. O(log n): one half of [lo, hi] is always sorted."""
    lo, hi = 0, len(a) - 1  # closed interval
    while lo <= hi:
        mid = (lo + hi) // 2
        if a[mid] == target:
            return mid
        if a[lo] <= a[mid]:  # the left half a[lo..mid] is sorted
            if a[lo] <= target < a[mid]:
                hi = mid - 1
            else:
                lo = mid + 1
        elif a[mid] < target <= a[hi]:  # otherwise the right half a[mid..hi] is sorted
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


def min_largest_part(costs: list[int], parts: int) -> int:
    """Binary search on the answer: cut costs into at most `parts` contiguous pieces so that
    the largest piece sum is as small as possible (LeetCode 410; e.g. layers -> pipeline
    stages). Feasibility is monotone in the cap, so find the smallest feasible cap."""

    def fits(cap: int) -> bool:  # greedy: start a new piece only when the next item overflows
        pieces, current = 1, 0
        for cost in costs:
            if current + cost > cap:
                pieces, current = pieces + 1, 0
            current += cost
        return pieces <= parts

    lo, hi = max(costs), sum(costs)  # the answer lies in [lo, hi]; fits(hi) is always true
    while lo < hi:  # lower bound of "fits" over the caps
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


rng = random.Random(0)  # noqa: S311 - test data

# 1. Random sorted lists with many duplicates; targets inside, between and outside the values.
queries = buggy_misses = 0
for _ in range(2000):
    a = sorted(rng.randint(0, 20) for _ in range(rng.randint(0, 30)))
    for target in range(-2, 24):
        assert lower_bound(a, target) == bisect_left(a, target)
        assert upper_bound(a, target) == bisect_right(a, target)
        expected = a.index(target) if target in a else -1  # linear scan as the reference
        assert binary_search(a, target) == expected
        found = binary_search_source(a, target)
        assert (found == -1) == (expected == -1) and (found == -1 or a[found] == target)
        buggy_misses += binary_search_off_by_one(a, target) == -1 and expected != -1
        queries += 1
print(f"{queries} random queries: lower/upper bound match bisect_left/bisect_right,")
print("  binary_search returns the first occurrence or -1 (checked against a.index)")
print(f"  the `while low < high` slip misses a present target in {buggy_misses} of them")
assert buggy_misses > 0

# 2. Edge cases: empty list, one element, target below / above every value.
assert binary_search([], 1) == -1 and lower_bound([], 1) == 0 == upper_bound([], 1)
assert binary_search([5], 5) == 0 and binary_search([5], 4) == -1 and binary_search([5], 6) == -1
assert binary_search_off_by_one([5], 5) == -1  # the slip fails on the smallest case
assert lower_bound([1, 2, 3], 0) == 0 and upper_bound([1, 2, 3], 9) == 3

# 3. Duplicates: which index comes back, and the bounds that answer the usual follow-ups.
dup = [1, 2, 2, 2, 3]
first, end = lower_bound(dup, 2), upper_bound(dup, 2)
print(
    f"{dup}, target 2: source returns {binary_search_source(dup, 2)},"
    f" first {first}, last {end - 1}, count {end - first}"
)
assert (binary_search_source(dup, 2), first, end - 1, end - first) == (2, 1, 3, 3)
print(f"insertion point of 2.5: {lower_bound(dup, 2.5)}; of 0: {lower_bound(dup, 0)}")
# With equal keys the two bounds differ: insort_left inserts at the lower bound, insort (an
# alias of insort_right) at the upper bound, after the existing equal keys.
left, right = list(dup), list(dup)
insort_left(left, 2.0)  # a float 2.0 == 2, so we can see where it went
insort(right, 2.0)
at_left = next(i for i, x in enumerate(left) if isinstance(x, float))
at_right = next(i for i, x in enumerate(right) if isinstance(x, float))
print(f"a new 2 goes to index {at_left} with insort_left, {at_right} with insort")
assert (at_left, at_right) == (lower_bound(dup, 2), upper_bound(dup, 2)) == (1, 4)

# 4. The precondition: on unsorted input a present value is reported missing.
print(f"unsorted [3, 1, 2], target 3: source returns {binary_search_source([3, 1, 2], 3)}")


# 5. Cost: count the probes (reads of a[mid]) on a million items.
class ProbeCounter(list):
    probes = 0

    def __getitem__(self, index):
        ProbeCounter.probes += 1
        return super().__getitem__(index)


n = 1_000_000
evens = list(range(0, 2 * n, 2))  # 0, 2, ..., 2n-2: odd targets fall between the values
counted = ProbeCounter(evens)
worst = 0
for target in [rng.randrange(-1, 2 * n + 1) for _ in range(1000)]:
    ProbeCounter.probes = 0
    index = lower_bound(counted, target)
    worst = max(worst, ProbeCounter.probes)
    assert index == bisect_left(evens, target)
bound = math.ceil(math.log2(n + 1))
print(f"n = {n:,}: at most {worst} probes per lower_bound (ceil(log2(n+1)) = {bound})")
assert worst <= bound


# 6. Follow-ups: a rotated sorted array, and binary search on the answer, against brute force.
for _ in range(2000):
    values = sorted(rng.sample(range(100), rng.randint(0, 20)))  # distinct values
    shift = rng.randrange(len(values) + 1)
    rotated = values[shift:] + values[:shift]
    for target in range(-1, 101):
        expected = rotated.index(target) if target in rotated else -1
        assert search_rotated(rotated, target) == expected, (rotated, target)
print("rotated sorted arrays: 2000 lists x 102 targets match list.index")
for _ in range(300):
    costs = [rng.randint(1, 20) for _ in range(rng.randint(1, 9))]
    parts = rng.randint(1, len(costs))
    best = min(  # try every way to place parts - 1 cuts (fewer pieces are never better)
        max(sum(costs[i:j]) for i, j in pairwise((0, *cuts, len(costs))))
        for cuts in combinations(range(1, len(costs)), parts - 1)
    )
    assert min_largest_part(costs, parts) == best, (costs, parts)
layers = [3, 8, 8, 8, 8, 8, 8, 8, 8, 5]  # e.g. embedding, 8 blocks, LM head (made-up costs)
print(
    f"split {layers} into 4 stages: slowest stage {min_largest_part(layers, 4)}"
    " (300 random cases match brute force)"
)
