"""Fibonacci numbers: naive recursion (exponential), memoized top-down, bottom-up with two
variables (O(n) time, O(1) space), and the O(log n) fast-doubling and matrix methods, all
checked against a reference table and known values; the source's F(0) bug is shown.
"""

from functools import cache


def _check(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")


def fib(n: int) -> int:
    """Bottom-up DP keeping only the last two values: O(n) additions, O(1) space."""
    _check(n)
    previous, current = 0, 1  # F(0), F(1)
    for _ in range(n):
        previous, current = current, previous + current
    return previous  # after n steps, previous = F(n); F(0) = 0 needs no special case


@cache
def _fib_memo(n: int) -> int:
    return n if n < 2 else _fib_memo(n - 1) + _fib_memo(n - 2)


def fib_memo(n: int) -> int:
    """Top-down with memoization: each F(k) is computed once, O(n) time and space.
    The recursion is n frames deep, so n is limited by the recursion limit (~1000)."""
    _check(n)
    return _fib_memo(n)


def fib_fast_doubling(n: int) -> int:
    """O(log n) arithmetic steps: F(2k) = F(k)(2F(k+1) - F(k)), F(2k+1) = F(k)^2 + F(k+1)^2."""
    _check(n)
    a, b = 0, 1  # (F(m), F(m+1)) for m = the bits of n read so far, from the top
    for bit in bin(n)[2:]:
        a, b = a * (2 * b - a), a * a + b * b  # m -> 2m
        if bit == "1":
            a, b = b, a + b  # 2m -> 2m + 1
    return a


def fib_matrix(n: int) -> int:
    """O(log n) matrix products: [[1, 1], [1, 0]]^n = [[F(n+1), F(n)], [F(n), F(n-1)]]."""
    _check(n)

    def mul(x: tuple, y: tuple) -> tuple:
        (a, b), (c, d) = x
        (e, f), (g, h) = y
        return ((a * e + b * g, a * f + b * h), (c * e + d * g, c * f + d * h))

    result, power = ((1, 0), (0, 1)), ((1, 1), (1, 0))
    while n:  # square-and-multiply over the bits of n
        if n & 1:
            result = mul(result, power)
        power = mul(power, power)
        n >>= 1
    return result[0][1]


def fibonacci_source(n: int) -> int:
    """The source post's version."""
    dp = [0] * (n + 1)
    dp[1] = 1
    for i in range(2, n + 1):
        dp[i] = dp[i - 1] + dp[i - 2]
    return dp[n]


calls = 0


def fib_naive(n: int) -> int:
    """Plain recursion: F(n-1) and F(n-2) recompute the same values again and again."""
    global calls
    calls += 1
    return n if n < 2 else fib_naive(n - 1) + fib_naive(n - 2)


# 1. Every method against a reference table, for n = 0 .. 90.
reference = [0, 1]
while len(reference) <= 90:
    reference.append(reference[-1] + reference[-2])
methods = [fib, fib_memo, fib_fast_doubling, fib_matrix]
for n, expected in enumerate(reference):
    assert all(method(n) == expected for method in methods), n
print(f"n = 0..90: {len(methods)} methods agree with the reference; F(90) = {fib(90)}")

# 2. Known large values; F(1000) has 209 digits.
assert fib(100) == fib_fast_doubling(100) == fib_matrix(100) == 354224848179261915075
f1000 = fib_fast_doubling(1000)
assert f1000 == fib(1000) == fib_matrix(1000) and len(str(f1000)) == 209
assert str(f1000).startswith("4346655768693745643")
print(f"F(100) = {fib(100)}; F(1000) has {len(str(f1000))} digits")
# Python ints never overflow; a signed 64-bit integer (C long, Java long) holds F(92) at most.
assert fib(92) < 2**63 <= fib(93)
print("largest F(n) in a signed 64-bit integer: F(92)")
# Binet's closed form round(phi^n / sqrt(5)) in float64: exact up to n = 70, then not.
phi, root5 = (1 + 5**0.5) / 2, 5**0.5
binet_wrong = [n for n in range(91) if round(phi**n / root5) != reference[n]]
first_wrong = binet_wrong[0]
print(
    f"Binet's formula in float64: exact up to n = {first_wrong - 1}, first wrong at {first_wrong}"
)
assert binet_wrong[0] == 71
f_big = fib_fast_doubling(100_000)
assert f_big == fib_matrix(100_000) == fib(100_000)
print(f"F(100000) has {f_big.bit_length()} bits (fast doubling, matrix and loop agree)")

# 3. Why DP: naive recursion makes 2 F(n+1) - 1 calls, about 1.618^n.
for n in (10, 20, 25):
    calls = 0
    assert fib_naive(n) == reference[n]
    assert calls == 2 * reference[n + 1] - 1
    print(f"naive fib({n}): {calls} calls; bottom-up: {n} loop steps")

# 4. Input checks, and the source's bug on n = 0 (and negative n).
for bad, error in [(-1, ValueError), (2.0, TypeError), (True, TypeError)]:
    try:
        fib(bad)
    except error:
        pass
    else:
        raise AssertionError(f"fib({bad!r}) should raise {error.__name__}")
print(f"fib(0) = {fib(0)}, fib(1) = {fib(1)}; fib(-1) -> ValueError")
_fib_memo.cache_clear()
try:
    fib_memo(1000)  # top-down needs at least one stack frame per level
except RecursionError:
    print("fib_memo(1000) on an empty cache -> RecursionError (the loop has no such limit)")
else:
    raise AssertionError("expected the default recursion limit (1000) to be exceeded")
for n in (0, -1):
    try:
        fibonacci_source(n)
    except IndexError:
        print(f"source fibonacci({n}) -> IndexError")
