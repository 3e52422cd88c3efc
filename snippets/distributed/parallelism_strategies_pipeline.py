"""Pipeline parallelism: micro-batch schedules, the bubble, and what the stages must store.

p stages (GPUs) each hold a slice of the layers; a batch is cut into m micro-batches.
We simulate GPipe (all forwards, then all backwards) and 1F1B (one forward, one backward)
with a forward and a backward taking one time slot each, check the idle fraction (the
bubble) against (p-1)/(m+p-1), and count the activations each stage must keep.
Finally, micro-batching does not change the gradient: a 4-stage model fed 8 micro-batches
accumulates exactly the full-batch gradient.
"""

import torch
from torch import nn


def schedule(kind: str, p: int, m: int) -> list[list[str]]:
    """Each stage's operations in order: ('F', i) or ('B', i) for micro-batch i."""
    stages = []
    for s in range(p):
        if kind == "GPipe":
            ops = [("F", i) for i in range(m)] + [("B", i) for i in reversed(range(m))]
        else:  # 1F1B: warm up with p-1-s forwards, then alternate, then drain
            warm = min(p - 1 - s, m)
            ops = [("F", i) for i in range(warm)]
            for i in range(m - warm):
                ops += [("F", warm + i), ("B", i)]
            ops += [("B", i) for i in range(m - warm, m)]
        stages.append(ops)
    return stages


def simulate(kind: str, p: int, m: int) -> tuple[int, float, int, list[str]]:
    """Earliest start for every op; returns makespan, bubble, peak activations, chart."""
    order, done, free = schedule(kind, p, m), {}, [0] * p
    position = [0] * p
    while any(position[s] < len(order[s]) for s in range(p)):
        for s in range(p):
            if position[s] == len(order[s]):
                continue
            op, i = order[s][position[s]]
            if op == "F":
                needs = ("F", s - 1, i) if s > 0 else None
            else:
                needs = ("B", s + 1, i) if s < p - 1 else ("F", s, i)
            if needs is not None and needs not in done:
                continue  # wait for the neighboring stage
            start = max(free[s], done[needs] if needs else 0)
            done[(op, s, i)] = free[s] = start + 1
            position[s] += 1
    makespan = max(free)
    bubble = 1 - (2 * m * p) / (p * makespan)
    peak = 0  # micro-batches whose activations a stage holds at once (forward done, not backward)
    for s in range(p):
        for t in range(makespan):
            held = sum(done[("F", s, i)] <= t < done[("B", s, i)] for i in range(m))
            peak = max(peak, held)
    chart = []
    for s in range(p):
        row = ["  "] * makespan
        for (op, stage, i), end in done.items():
            if stage == s:
                row[end - 1] = f"{op}{i}" if op == "F" else f"{op.lower()}{i}"
        chart.append((f"  stage {s} |" + "".join(f"{c:3s}" for c in row)).rstrip())
    return makespan, bubble, peak, chart


P = 4
for kind in ("GPipe", "1F1B"):
    makespan, bubble, peak, chart = simulate(kind, P, m=4)
    print(f"{kind}, p={P} stages, m=4 micro-batches (F = forward, b = backward):")
    print("\n".join(chart))
print("  m  bubble  (p-1)/(m+p-1)  activations held: GPipe  1F1B")
for m in (4, 8, 32):
    results = {kind: simulate(kind, P, m) for kind in ("GPipe", "1F1B")}
    bubble, formula = results["GPipe"][1], (P - 1) / (m + P - 1)
    assert abs(bubble - formula) < 1e-9 and abs(results["1F1B"][1] - formula) < 1e-9
    assert results["GPipe"][2] == m and results["1F1B"][2] == min(P, m)
    held = f"{results['GPipe'][2]:5d}  {results['1F1B'][2]:4d}"
    print(f"{m:3d}  {bubble:6.3f}  {formula:13.3f}  {'':17s}{held}")

# Micro-batching keeps the math: 8 micro-batches with loss / 8 give the full-batch gradient.
torch.manual_seed(0)
stages = [nn.Sequential(nn.Linear(16, 16), nn.Tanh()) for _ in range(P)]  # one per GPU
model = nn.Sequential(*stages)
X, y = torch.randn(64, 16), torch.randn(64, 16)
nn.functional.mse_loss(model(X), y).backward()
full = [p.grad.clone() for p in model.parameters()]
model.zero_grad()
for X_mb, y_mb in zip(X.chunk(8), y.chunk(8), strict=True):
    (nn.functional.mse_loss(model(X_mb), y_mb) / 8).backward()  # accumulate
same = all(
    torch.allclose(a, p.grad, atol=1e-6) for a, p in zip(full, model.parameters(), strict=True)
)
print(f"8 micro-batches accumulate the full-batch gradient: {same}")
assert same
