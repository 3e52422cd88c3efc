"""Load balancing in an MoE router: the auxiliary loss, capacity and token dropping, and
DeepSeek-V3's auxiliary-loss-free bias.

1. Switch Transformer's loss N * sum_i f_i * P_i (f_i: share of routed tokens, P_i: mean router
   probability of expert i) is exactly 1 when the tokens are spread evenly and approaches N when
   every token goes to one expert. Checked against transformers' load_balancing_loss_func.
2. With a fixed expert capacity, a skewed router drops tokens; a larger capacity factor drops fewer.
3. A per-expert bias added only for the top-k choice, nudged by +-gamma after each step, evens
   out the load without any loss term; the gate weights still come from the unbiased scores.
"""

import itertools
import math
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
import torch.nn.functional as F
from transformers.models.mixtral.modeling_mixtral import load_balancing_loss_func

torch.manual_seed(0)
T, N = 512, 8  # tokens in the batch, experts
dt = torch.float64


def aux_loss(logits: torch.Tensor, k: int) -> torch.Tensor:
    """Switch Transformer form, f normalized over the T*k routed slots so balance gives 1."""
    probs = F.softmax(logits, dim=-1)
    chosen = probs.topk(k, dim=-1).indices
    f = torch.bincount(chosen.reshape(-1), minlength=N).to(dt) / (len(logits) * k)
    P = probs.mean(0)
    return N * (f * P).sum()


noise = 0.1 * torch.randn(T, N, dtype=dt)
first, second = torch.arange(T) % N, (torch.arange(T) + 1) % N
cases = {
    "balanced (token t prefers t, t+1 mod N)": (
        3.0 * F.one_hot(first, N) + 1.5 * F.one_hot(second, N) + noise
    ),
    "random router at initialization": noise,
    "collapsed (every token prefers expert 0)": 8.0 * F.one_hot(torch.zeros(T).long(), N) + noise,
}
print(f"{'aux loss N*sum(f*P)':44s}{'top-1':>7s}{'top-2':>7s}")
losses = {}
for name, logits in cases.items():
    losses[name] = [aux_loss(logits, k).item() for k in (1, 2)]
    print(f"{name:44s}{losses[name][0]:7.3f}{losses[name][1]:7.3f}")
    for k in (1, 2):  # transformers counts f over tokens, not slots: its value is k times ours
        ref = load_balancing_loss_func((logits,), num_experts=N, top_k=k).item()  # float32 inside
        assert abs(ref - k * losses[name][k - 1]) < 1e-5, (ref, k, losses[name])
balanced, _, collapsed = losses.values()
assert abs(balanced[0] - 1) < 1e-12 and abs(balanced[1] - 1) < 1e-12, "exactly 1 at balance"
assert collapsed[0] > 0.99 * N, "all tokens on one expert: close to N"
assert abs(collapsed[1] - N / 2) < 0.1, "top-2 collapse: the second slot spreads, about N/2"

# f counts argmax choices while P averages probabilities; when they disagree the loss dips below 1:
two = torch.tensor([[math.log(0.51), math.log(0.49)]] * 9 + [[-9.0, 0.0]], dtype=dt)
N_two = 2
f = torch.bincount(two.argmax(-1), minlength=N_two).to(dt) / len(two)
below_one = N_two * (f * F.softmax(two, -1).mean(0)).sum().item()
print(f"2 experts, f=(0.9, 0.1) but P=(0.46, 0.54): loss = {below_one:.3f} (< 1)")
assert below_one < 1

# Capacity: each expert takes at most ceil(cf * T * k / N) tokens; the rest are dropped.
K = 2
skewed = torch.randn(T, N, dtype=dt) + torch.linspace(1.0, -1.0, N, dtype=dt)  # popular experts
chosen = F.softmax(skewed, -1).topk(K, dim=-1).indices
load = torch.bincount(chosen.reshape(-1), minlength=N)
shares = {}
for cf in (1.0, 1.25, 2.0):
    capacity = math.ceil(cf * T * K / N)
    shares[cf] = (load - capacity).clamp(min=0).sum().item() / (T * K)
print(f"skewed router, top-{K} slots per expert: {load.tolist()}")
print("  share of slots dropped: " + ", ".join(f"cf {cf}: {s:.1%}" for cf, s in shares.items()))
assert load.max() > 1.5 * T * K / N
dropped = list(shares.values())
assert all(a > b for a, b in itertools.pairwise(dropped)), "larger capacity factor, fewer drops"
assert dropped[-1] > 0, "even cf 2.0 drops tokens under this skew"

# Auxiliary-loss-free balancing (DeepSeek-V3): sigmoid scores, bias only for the top-k choice.
D = 32
centroids = torch.randn(N, D, dtype=dt) / D**0.5
skew = torch.linspace(1.5, -1.5, N, dtype=dt)  # some experts start far more popular
bias, gamma = torch.zeros(N, dtype=dt), 0.01  # gamma = bias update speed (V3 used 0.001)
ratios = []
for _ in range(300):
    h = torch.randn(T, D, dtype=dt)
    scores = torch.sigmoid(h @ centroids.T + skew)  # affinities s_i,t
    idx = (scores + bias).topk(K, dim=-1).indices  # the bias decides who is chosen ...
    gate = scores.gather(1, idx)
    gate = gate / gate.sum(-1, keepdim=True)  # ... but the weights use the unbiased scores
    load = torch.bincount(idx.reshape(-1), minlength=N).to(dt)
    ratios.append((load.max() / load.mean()).item())
    bias += gamma * torch.sign(load.mean() - load)  # overloaded: down, underloaded: up
after = sum(ratios[-50:]) / 50
print(f"aux-loss-free bias: max/mean expert load {ratios[0]:.2f} at step 0 -> {after:.2f}")
print(f"learned bias: {[round(b, 2) for b in bias.tolist()]}")
assert ratios[0] > 2.0 and after < 1.25
assert bias[0] < 0 < bias[-1], "hottest expert pushed down, coldest pulled up"
