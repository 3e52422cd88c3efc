"""Toy reward hacking: a proxy reward with a length bias, optimized with and without a KL penalty.

The toy: a policy chooses among 60 response types, each with a quality q (6 levels, 0 to 1) and
a length (1 to 10 units). The gold (true) reward is the quality, minus a penalty for padding
beyond 4 units: readers dislike verbosity. The proxy reward model got the length wrong: it
rewards every extra unit a little (as reward models fitted on human labels often prefer longer
answers). On the reference (SFT) policy, which mostly writes short answers, the two agree well.
The policy is optimized by exact gradient ascent on E[proxy] - beta * KL(pi || pi_ref) (no
sampling noise), with beta = 0 and beta = 0.1. Checks:
- without a penalty, the proxy keeps rising while the gold reward first rises, then falls below
  where it started, and the mean length grows: Goodhart's law;
- with the KL penalty the policy stops at a bounded KL, and ends with a higher gold reward;
- the penalized optimum is pi_ref * exp(proxy / beta) / Z, and gradient ascent reaches it.
"""

import itertools

import torch

torch.manual_seed(0)
dt = torch.float64
q_levels, lengths = torch.linspace(0, 1, 6, dtype=dt), torch.arange(1, 11, dtype=dt)
q = q_levels.repeat_interleave(len(lengths))  # 60 response types: (quality, length)
length = lengths.repeat(len(q_levels))
gold = q - 0.15 * (length - 4).clamp(min=0)  # true preference: quality, no padding
proxy = q + 0.08 * length  # the reward model's mistake: longer always looks better

# Reference (SFT) policy: mostly mid quality, mostly 2-4 units long.
ref_logits = -((q - 0.4) ** 2) / 0.1 - ((length - 3) ** 2) / 4
log_ref = torch.log_softmax(ref_logits, 0)
pi_ref = log_ref.exp()
dp, dg = proxy - proxy @ pi_ref, gold - gold @ pi_ref  # centered under pi_ref
corr = ((pi_ref * dp * dg).sum() / ((pi_ref * dp**2).sum() * (pi_ref * dg**2).sum()).sqrt()).item()


def optimize(beta, steps=600, lr=0.02):
    logits = ref_logits.clone().requires_grad_()
    opt = torch.optim.Adam([logits], lr=lr)
    trace = []
    for step in range(steps + 1):
        log_pi = torch.log_softmax(logits, 0)
        pi = log_pi.exp()
        kl = (pi * (log_pi - log_ref)).sum()
        if step % 10 == 0:
            stats = [(proxy @ pi).item(), (gold @ pi).item(), kl.item(), (length @ pi).item()]
            trace.append((step, *stats))
        objective = proxy @ pi - beta * kl
        opt.zero_grad(), (-objective).backward(), opt.step()
    return torch.softmax(logits.detach(), 0), trace


print(f"toy: 60 response types; proxy-gold correlation under the SFT policy = {corr:.2f}")
results = {}
for beta in (0.0, 0.1):
    pi, trace = optimize(beta)
    results[beta] = (pi, trace)
    print(f"beta = {beta}:  step   proxy    gold      KL  mean length")
    for step, p, g, k, n in trace[::10]:
        print(f"{'':>13}{step:5d}{p:8.3f}{g:8.3f}{k + 0.0:8.3f}{n:8.2f}")

_, free = results[0.0]
_, penalized = results[0.1]
proxy_free, gold_free = [t[1] for t in free], [t[2] for t in free]
peak = max(range(len(gold_free)), key=gold_free.__getitem__)
print(
    f"no penalty: gold peaks at step {free[peak][0]} ({gold_free[peak]:.3f}) and ends at"
    f" {gold_free[-1]:.3f}; with beta=0.1 it ends at {penalized[-1][2]:.3f}"
)

# Same KL budget, no penalty: read the unpenalized run's gold reward at the penalized run's KL.
kl_pen = penalized[-1][3]
kls, golds = torch.tensor([t[3] for t in free]), torch.tensor(gold_free)
i = int((kls < kl_pen).sum())  # first trace point past that KL
frac = (kl_pen - kls[i - 1]) / (kls[i] - kls[i - 1])
gold_same_kl = (golds[i - 1] + frac * (golds[i] - golds[i - 1])).item()
print(f"no penalty, stopped at the same KL ({kl_pen:.2f}): gold {gold_same_kl:.3f}")

assert corr > 0.5, "on the SFT policy's own answers the proxy tracks the gold reward"
assert all(b > a for a, b in itertools.pairwise(proxy_free)), "the proxy rises throughout"
assert 0 < peak < len(gold_free) - 1, "the gold reward rises, then falls"
assert gold_free[-1] < gold_free[0] - 0.1, "and ends below where it started"
assert free[-1][4] > free[0][4] + 3, "the mean length grows: the exploited feature"
assert penalized[-1][2] > gold_free[-1] + 0.2, "the KL penalty keeps the gold reward higher"
assert penalized[-1][3] < 0.5 * free[-1][3], "at a much smaller KL"
assert abs(gold_same_kl - penalized[-1][2]) < 0.05, "here the penalty acts like early stopping"

# The KL-regularized optimum in closed form: pi* = pi_ref * exp(proxy / beta) / Z.
pi_pen = results[0.1][0]
closed = torch.softmax(log_ref + proxy / 0.1, 0)
diff = (pi_pen - closed).abs().max().item()
print(f"beta=0.1: gradient ascent vs pi_ref * exp(proxy/beta) / Z: max |diff| = {diff:.1e}")
assert diff < 2e-3
