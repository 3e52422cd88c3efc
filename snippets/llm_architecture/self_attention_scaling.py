"""Why the scores are divided by √d_k: Var(q·k) grows like d_k and an unscaled softmax saturates.

q and k have independent N(0, 1) components (the assumption of the Transformer paper). For each
d_k, one query is scored against 16 keys, with and without the 1/√d_k factor, and we measure:
the variance of the scores, the largest softmax probability, the entropy of the softmax (in nats;
uniform over 16 keys would be ln 16 = 2.77) and the size of the softmax Jacobian
J = diag(p) − p·pᵀ with respect to the scores. The gradient that reaches q is that Jacobian
times K (times the scale c): dp/dq = c·J·K. Unscaled, c = 1 and the scores are √d_k larger, so
we also report how dp/dq is spread over the queries (median and mean of its Frobenius norm).
Both Jacobian formulas are checked against autograd first.
"""

import math

import torch

torch.manual_seed(0)
n_keys, n_queries = 16, 500


def softmax_jacobian(p: torch.Tensor) -> torch.Tensor:
    """d softmax(s) / d s for each row p: diag(p) − p pᵀ, shape (..., n, n)."""
    return torch.diag_embed(p) - p.unsqueeze(-1) * p.unsqueeze(-2)


s = torch.randn(n_keys, dtype=torch.float64)
autograd_J = torch.autograd.functional.jacobian(lambda x: torch.softmax(x, dim=-1), s)
j_diff = (softmax_jacobian(torch.softmax(s, dim=-1)) - autograd_J).abs().max().item()
gen = torch.Generator().manual_seed(1)  # own stream: the table below is unaffected
q0 = torch.randn(8, dtype=torch.float64, generator=gen)
K0 = torch.randn(n_keys, 8, dtype=torch.float64, generator=gen)
autograd_Jq = torch.autograd.functional.jacobian(lambda x: torch.softmax(K0 @ x, dim=-1), q0)
jq_diff = (softmax_jacobian(torch.softmax(K0 @ q0, dim=-1)) @ K0 - autograd_Jq).abs().max().item()
print(f"vs autograd: dp/ds = diag(p) - p pT, max |diff| = {j_diff:.1e}; dp/dq = J K, {jq_diff:.1e}")
assert j_diff < 1e-15 and jq_diff < 1e-14

print(
    f"{'d_k':>5} | {'Var(q.k)':>8} | {'scaled':>6} | {'max p':>12} | {'entropy':>11}"
    f" | {'|dp/ds|':>11}"
)
print(f"{'':5} | {'':8} | {'':6} | {'raw scaled':>12} | {'raw scaled':>11} | {'raw scaled':>11}")
results, grad_q = {}, {}
for d_k in (16, 64, 256, 1024):
    q = torch.randn(n_queries, 1, d_k, dtype=torch.float64)
    k = torch.randn(n_queries, n_keys, d_k, dtype=torch.float64)
    raw = (q * k).sum(-1)  # (n_queries, n_keys): q·k for 16 keys per query
    row = [raw.var().item(), (raw / math.sqrt(d_k)).var().item()]
    stats, grad_q[d_k] = {}, {}
    for name, c in (("raw", 1.0), ("scaled", 1 / math.sqrt(d_k))):
        p = torch.softmax(c * raw, dim=-1)
        dp_dq = torch.linalg.matrix_norm(c * softmax_jacobian(p) @ k)  # (n_queries,)
        grad_q[d_k][name] = [dp_dq.quantile(f).item() for f in (0.5, 0.95)] + [dp_dq.mean().item()]
        stats[name] = (
            p.max(-1).values.mean().item(),  # how peaked the weights are
            torch.special.entr(p).sum(-1).mean().item(),  # entropy; entr(0) = 0
            torch.linalg.matrix_norm(softmax_jacobian(p)).mean().item(),  # dp/ds, Frobenius norm
        )
    results[d_k] = row, stats
    (mp_r, h_r, j_r), (mp_s, h_s, j_s) = stats["raw"], stats["scaled"]
    print(
        f"{d_k:5d} | {row[0]:8.1f} | {row[1]:6.2f} | {mp_r:5.2f} {mp_s:6.2f} |"
        f" {h_r:4.2f} {h_s:6.2f} | {j_r:5.3f} {j_s:5.3f}"
    )

print("gradient reaching q, |dp/dq| over the 500 queries (median, 95th percentile, mean):")
for d_k, g in grad_q.items():
    r, sc = g["raw"], g["scaled"]
    print(
        f"{d_k:5d} | raw: {r[0]:6.4f} {r[1]:5.2f} {r[2]:5.2f}"
        f" | scaled: {sc[0]:4.2f} {sc[1]:4.2f} {sc[2]:4.2f}"
    )

for d_k, (row, _) in results.items():
    assert 0.85 < row[0] / d_k < 1.15, "Var(q·k) ≈ d_k"
    assert 0.85 < row[1] < 1.15, "Var(q·k/√d_k) ≈ 1 whatever d_k is"
raw_max_p = [stats["raw"][0] for _, stats in results.values()]
assert raw_max_p == sorted(raw_max_p), "without scaling the softmax gets more peaked as d_k grows"
big = results[1024][1]
assert big["raw"][0] > 0.9 and big["raw"][1] < 0.3, "unscaled, d_k = 1024: nearly one-hot"
assert big["raw"][2] < 0.25 * big["scaled"][2], "and the gradient through it is much smaller"
scaled_max_p = [stats["scaled"][0] for _, stats in results.values()]
assert max(scaled_max_p) - min(scaled_max_p) < 0.05, "scaled: the same softmax at every d_k"
raw_median = [g["raw"][0] for g in grad_q.values()]
assert raw_median == sorted(raw_median, reverse=True), "unscaled: most queries lose their gradient"
assert raw_median[-1] < 0.01, "unscaled, d_k = 1024: the typical query gets almost no gradient"
assert grad_q[1024]["raw"][1] > 2 * grad_q[16]["raw"][1], "while a few get much larger ones"
scaled_median = [g["scaled"][0] for g in grad_q.values()]
assert max(scaled_median) - min(scaled_median) < 0.05, "scaled: the same gradient at every d_k"
