"""Ring all-reduce, simulated step by step: the result and the traffic per worker.

N workers each hold a gradient of S numbers, cut into N chunks. In N-1 reduce-scatter
steps each worker passes one chunk to its right neighbor, which adds it to its own; then
every worker owns one fully summed chunk. N-1 all-gather steps pass the summed chunks
around. Each worker sends 2(N-1)/N * S numbers, almost independent of N, whereas a
parameter server receives and sends N * S.
"""

import numpy as np

S = 1680  # gradient length, divisible by every N below


def ring_all_reduce(grads: list[np.ndarray]) -> tuple[list[np.ndarray], int, int]:
    """Returns every worker's result, the numbers each worker sent, and the step count."""
    n = len(grads)
    chunks = [np.array_split(g.copy(), n) for g in grads]
    sent, steps = 0, 0
    for step in range(n - 1):  # reduce-scatter
        # in each step worker i sends chunk (i - step) mod n to worker i + 1, all at once
        outgoing = [chunks[i][(i - step) % n].copy() for i in range(n)]
        for i in range(n):
            chunks[(i + 1) % n][(i - step) % n] += outgoing[i]
        sent += len(outgoing[0])
        steps += 1
    # now worker i holds the full sum of chunk (i + 1) mod n
    for step in range(n - 1):  # all-gather
        outgoing = [chunks[i][(i + 1 - step) % n].copy() for i in range(n)]
        for i in range(n):
            chunks[(i + 1) % n][(i + 1 - step) % n] = outgoing[i]
        sent += len(outgoing[0])
        steps += 1
    return [np.concatenate(c) for c in chunks], sent, steps


rng = np.random.default_rng(0)
print(f"gradient of {S} numbers per worker")
print(" N  steps  sent per worker    / S  2(N-1)/N  server in+out")
for n in (2, 4, 8, 16):
    grads = [rng.integers(-100, 100, S).astype(np.int64) for _ in range(n)]  # exact sums
    results, sent, steps = ring_all_reduce(grads)
    expected = np.sum(grads, axis=0)
    assert all(np.array_equal(r, expected) for r in results), "every worker gets the sum"
    assert sent * n == 2 * (n - 1) * S and steps == 2 * (n - 1)
    print(
        f"{n:2d}  {steps:5d}  {sent:15d}  {sent / S:5.3f}  {2 * (n - 1) / n:8.3f}  {2 * n * S:13d}"
    )

# The same formula for a 7B-parameter model with bf16 gradients (2 bytes each).
grad_gb = 7e9 * 2 / 1e9
for n in (8, 64, 1024):
    per_gpu = 2 * (n - 1) / n * grad_gb
    print(f"7B model, {grad_gb:.0f} GB of bf16 gradients, {n:4d} GPUs: each sends {per_gpu:.1f} GB")
