"""AdamW written by hand, checked against torch.optim.AdamW; then why Adam + L2 is not AdamW.

1. Twenty steps of a hand-written AdamW (bias correction, decoupled weight decay) on a small
   network, with LLM-style settings betas=(0.9, 0.95), weight_decay=0.1, equal torch's AdamW.
2. Bias correction: on step 1 each coordinate moves by about lr, whatever its gradient's scale.
3. Adam with the same coefficient as L2 (added to the gradient, torch's default) ends somewhere
   else, because the decay term is divided by sqrt(v) too: coordinates with large gradients are
   barely decayed. Adam(decoupled_weight_decay=True) is AdamW.
"""

import torch
from torch import nn

torch.manual_seed(0)
dt = torch.float64
LR, BETAS, EPS, WD, STEPS = 1e-2, (0.9, 0.95), 1e-8, 0.1, 20

X = torch.randn(256, 8, dtype=dt)
y = torch.tanh(X @ torch.randn(8, 1, dtype=dt))
net0 = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1)).to(dt)


def grads(params: list[torch.Tensor]) -> list[torch.Tensor]:
    w1, b1, w2, b2 = params
    loss = ((torch.tanh(X @ w1.T + b1) @ w2.T + b2 - y) ** 2).mean()
    return torch.autograd.grad(loss, params)


def adamw_by_hand(steps: int, wd: float = WD) -> list[torch.Tensor]:
    params = [p.detach().clone().requires_grad_() for p in net0.parameters()]
    m = [torch.zeros_like(p) for p in params]  # first moment: 1 fp32 value per parameter
    v = [torch.zeros_like(p) for p in params]  # second moment: 1 more -> 8 bytes per parameter
    b1, b2 = BETAS
    for t in range(1, steps + 1):
        g = grads(params)
        with torch.no_grad():
            for p, gi, mi, vi in zip(params, g, m, v, strict=True):
                mi.mul_(b1).add_((1 - b1) * gi)
                vi.mul_(b2).add_((1 - b2) * gi * gi)
                m_hat = mi / (1 - b1**t)  # bias correction: m and v start at 0
                v_hat = vi / (1 - b2**t)
                p.mul_(1 - LR * wd)  # decoupled decay: shrink the weight itself ...
                p.sub_(LR * m_hat / (v_hat.sqrt() + EPS))  # ... then the Adam step
    return params


def torch_run(opt_cls, steps: int, **kw) -> list[torch.Tensor]:
    params = [p.detach().clone().requires_grad_() for p in net0.parameters()]
    opt = opt_cls(params, lr=LR, betas=BETAS, eps=EPS, **kw)
    for _ in range(steps):
        for p, gi in zip(params, grads(params), strict=True):
            p.grad = gi
        opt.step()
    return params


def max_diff(a, b) -> float:
    return max((x - y).abs().max().item() for x, y in zip(a, b, strict=True))


mine, ref = adamw_by_hand(STEPS), torch_run(torch.optim.AdamW, STEPS, weight_decay=WD)
d_ref = max_diff(mine, ref)
start = [p.detach() for p in net0.parameters()]
after_one = adamw_by_hand(1, wd=0.0)
moves = torch.cat([(a - b).abs().flatten() for a, b in zip(after_one, start, strict=True)])
shown = f"{d_ref:.0e}" if d_ref >= 1e-12 else "< 1e-12"  # rounding level: thread-dependent
print(f"hand-written AdamW vs torch.optim.AdamW, {STEPS} steps: max |diff| = {shown}")
print(
    f"step 1 without decay: every weight moves {moves.min() / LR:.3f} to {moves.max() / LR:.3f}"
    " x lr (bias-corrected m/sqrt(v) = +-1)"
)
assert d_ref < 1e-12
assert (moves / LR - 1).abs().max() < 1e-3

adam_l2 = torch_run(torch.optim.Adam, STEPS, weight_decay=WD)  # Adam's weight_decay is L2
d_l2 = max_diff(adam_l2, ref)
print(f"Adam + L2 (0.1) vs AdamW (0.1), same data, {STEPS} steps: max |diff| = {d_l2:.4f}")
assert d_l2 > 1e-3, "not the same optimizer"
adam_dec = torch_run(torch.optim.Adam, STEPS, weight_decay=WD, decoupled_weight_decay=True)
d_dec = max_diff(adam_dec, ref)
shown = f"{d_dec:.0e}" if d_dec > 0 else "0"
print(f"Adam(decoupled_weight_decay=True) vs AdamW, {STEPS} steps: max |diff| = {shown}")
assert d_dec < 1e-12, "with the flag, Adam is AdamW"

# Where the decay goes: two weights at 1.0 whose loss gradients are pure noise, of scale 0.01
# and 10 (the same noise sequence); effect of weight decay = weights with decay - without.
scale = torch.tensor([0.01, 10.0], dtype=dt)


def run(opt_cls, wd: float) -> torch.Tensor:
    p = torch.ones(2, dtype=dt, requires_grad=True)
    opt = opt_cls([p], lr=LR, betas=BETAS, eps=EPS, weight_decay=wd)
    noise = torch.Generator().manual_seed(1)
    for _ in range(100):
        p.grad = scale * torch.randn(1, dtype=dt, generator=noise)
        opt.step()
    return p.detach()


effect_l2 = run(torch.optim.Adam, WD) - run(torch.optim.Adam, 0.0)
effect_w = run(torch.optim.AdamW, WD) - run(torch.optim.AdamW, 0.0)
print(f"{'effect of weight decay 0.1, 100 steps':42s}{'grad 0.01':>9s}{'grad 10':>17s}")
for label, e in [("Adam + L2 (decay divided by sqrt(v))", effect_l2), ("AdamW", effect_w)]:
    print(f"  {label:40s}{e[0]:+9.4f}{e[1]:+17.4f}")
assert abs(effect_l2[0]) > 5 * abs(effect_w[0]), "L2: small-gradient weights over-decayed"
assert abs(effect_l2[1]) < abs(effect_w[1]) / 5, "... and large-gradient weights barely decayed"
assert abs(effect_w[1] / effect_w[0] - 1) < 1e-6, "AdamW: the same decay whatever the gradient"
