"""Longest common subsequence: the O(mn) DP table, backtracking to recover one LCS, the
length in O(min(m, n)) memory, and the longest common substring for contrast; all checked
against brute force on short random strings.
"""

import random
from collections.abc import Sequence
from itertools import combinations


def lcs_table(a: Sequence, b: Sequence) -> list[list[int]]:
    """dp[i][j] = length of an LCS of a[:i] and b[:j]; row 0 and column 0 stay 0."""
    m, n = len(a), len(b)
    dp = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            if a[i - 1] == b[j - 1]:
                dp[i][j] = dp[i - 1][j - 1] + 1  # extend the LCS of both prefixes
            else:
                dp[i][j] = max(dp[i - 1][j], dp[i][j - 1])  # drop the last item of a or b
    return dp


def lcs(a: str, b: str) -> str:
    """One longest common subsequence, rebuilt by walking the table back from (m, n)."""
    dp = lcs_table(a, b)
    i, j, reversed_chars = len(a), len(b), []
    while i > 0 and j > 0:
        if a[i - 1] == b[j - 1]:
            reversed_chars.append(a[i - 1])  # this match is part of the LCS
            i, j = i - 1, j - 1
        elif dp[i - 1][j] >= dp[i][j - 1]:
            i -= 1  # the value came from above
        else:
            j -= 1  # the value came from the left
    return "".join(reversed(reversed_chars))


def lcs_length(a: Sequence, b: Sequence) -> int:
    """Length only, with two rows of min(m, n) + 1 cells: O(mn) time, O(min(m, n)) space."""
    if len(b) > len(a):
        a, b = b, a  # make b the shorter one: it indexes the cells of each row (the columns)
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            current[j] = previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1])
        previous = current
    return previous[-1]


def longest_common_substring(a: str, b: str) -> str:
    """Contiguous version: dp[i][j] = longest common SUFFIX of a[:i] and b[:j]; a mismatch
    resets it to 0, and the answer is the largest cell, not the corner."""
    best_len, best_end, previous = 0, 0, [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                current[j] = previous[j - 1] + 1
                if current[j] > best_len:
                    best_len, best_end = current[j], i
        previous = current
    return a[best_end - best_len : best_end]


def edit_distance(a: Sequence, b: Sequence) -> int:
    """Levenshtein distance: fewest insertions, deletions and substitutions turning a into b.
    Same table as LCS: d[i][j] = min(d[i-1][j] + 1, d[i][j-1] + 1, d[i-1][j-1] + (a != b))."""
    previous = list(range(len(b) + 1))  # row 0: j insertions turn "" into b[:j]
    for i, x in enumerate(a, start=1):
        current = [i] + [0] * len(b)  # column 0: i deletions turn a[:i] into ""
        for j, y in enumerate(b, start=1):
            current[j] = min(
                previous[j] + 1,  # delete x
                current[j - 1] + 1,  # insert y
                previous[j - 1] + (x != y),  # keep x (free) or substitute it by y
            )
        previous = current
    return previous[-1]


def is_subsequence(s: str, t: str) -> bool:
    it = iter(t)
    return all(ch in it for ch in s)  # `in` advances the iterator: order is respected


def brute_force_lcs_length(a: str, b: str) -> int:
    """Try the subsequences of a from the longest down: exponential, fine for short strings."""
    for k in range(len(a), 0, -1):
        if any(is_subsequence("".join(c), b) for c in combinations(a, k)):
            return k
    return 0


def brute_force_edit_distance(a: str, b: str, alphabet: str, substitute: bool = True) -> int:
    """Breadth-first search over strings, one edit per step: no DP table involved."""
    limit = max(len(a), len(b))  # an optimal edit path never needs a longer string
    distance, frontier = {a: 0}, [a]
    while b not in distance:
        next_frontier = []
        for s in frontier:
            edits = [s[:i] + s[i + 1 :] for i in range(len(s))]  # deletions
            if substitute:
                edits += [s[:i] + c + s[i + 1 :] for i in range(len(s)) for c in alphabet]
            if len(s) < limit:
                edits += [s[:i] + c + s[i:] for i in range(len(s) + 1) for c in alphabet]
            for u in edits:
                if u not in distance:
                    distance[u] = distance[s] + 1
                    next_frontier.append(u)
        frontier = next_frontier
    return distance[b]


def brute_force_substring_length(a: str, b: str) -> int:
    return max(
        (j - i for i in range(len(a)) for j in range(i + 1, len(a) + 1) if a[i:j] in b), default=0
    )


# 1. The question's example and a textbook one.
for a, b in [("ABCD", "ACDF"), ("ABCBDAB", "BDCABA")]:
    print(
        f"{a!r} vs {b!r}: LCS length {lcs_length(a, b)}, one LCS {lcs(a, b)!r},"
        f" longest common substring {longest_common_substring(a, b)!r}"
    )
assert lcs("ABCD", "ACDF") == "ACD" and longest_common_substring("ABCD", "ACDF") == "CD"

# 2. Edge cases: empty inputs, no common item, identical strings, non-string sequences.
assert lcs("", "ABC") == "" and lcs_length("ABC", "") == 0 and lcs("", "") == ""
assert lcs("ABC", "XYZ") == "" and longest_common_substring("ABC", "XYZ") == ""
assert lcs("AAAA", "AA") == "AA" and lcs("SAME", "SAME") == "SAME"
assert lcs_length(["the", "cat", "sat"], ["the", "dog", "sat"]) == 2  # tokens work too

# 3. Random short strings over a small alphabet, against brute force.
rng = random.Random(0)  # noqa: S311 - test data
trials = 0
for _ in range(2000):
    a = "".join(rng.choices("ABC", k=rng.randint(0, 8)))
    b = "".join(rng.choices("ABC", k=rng.randint(0, 8)))
    expected = brute_force_lcs_length(a, b)
    sub = lcs(a, b)
    assert len(sub) == lcs_length(a, b) == lcs_table(a, b)[-1][-1] == expected, (a, b)
    assert is_subsequence(sub, a) and is_subsequence(sub, b), (a, b, sub)
    substring = longest_common_substring(a, b)
    assert substring in a and substring in b
    assert len(substring) == brute_force_substring_length(a, b) <= expected
    trials += 1
print(f"{trials} random pairs: length and rebuilt LCS agree with brute force")

# 4. Longer inputs: two rows give the same length as the full table with far less memory.
a = "".join(rng.choices("ACGT", k=500))
b = "".join(rng.choices("ACGT", k=400))
table = lcs_table(a, b)
assert lcs_length(a, b) == table[-1][-1] == len(lcs(a, b))
print(
    f"len(a) = {len(a)}, len(b) = {len(b)}: LCS length {table[-1][-1]};"
    f" full table {len(table) * len(table[0]):,} cells, two rows {2 * (len(b) + 1)} cells"
)

# 5. Follow-up: edit distance, against a search over single edits on short strings.
for _ in range(500):
    a = "".join(rng.choices("ABC", k=rng.randint(0, 4)))
    b = "".join(rng.choices("ABC", k=rng.randint(0, 4)))
    assert edit_distance(a, b) == brute_force_edit_distance(a, b, "ABC"), (a, b)
    # with insertions and deletions only (what diff computes), the distance is m + n - 2 LCS
    indel = brute_force_edit_distance(a, b, "ABC", substitute=False)
    assert indel == len(a) + len(b) - 2 * brute_force_lcs_length(a, b) >= edit_distance(a, b)
kitten = edit_distance("kitten", "sitting")
assert kitten == 3 and edit_distance("", "abc") == 3
print("edit distance: 500 random pairs match a search over single edits;")
print(f"  without substitutions it is m + n - 2 LCS; 'kitten' -> 'sitting' = {kitten}")
