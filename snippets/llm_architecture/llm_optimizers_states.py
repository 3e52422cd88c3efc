"""What each optimizer keeps per parameter, measured; and Muon's orthogonalized update by hand.

1. One step of each torch optimizer on a 1024x1024 fp32 matrix, then the bytes of its state
   tensors divided by the number of parameters (the step counter is not counted).
2. Muon: momentum, then five Newton-Schulz iterations that push every singular value of the
   update towards 1. Written by hand and checked against torch.optim.Muon, with its default
   shape scaling of the lr and with adjust_lr_fn="match_rms_adamw" (Moonshot's).
"""

import torch

torch.manual_seed(0)
ROWS, COLS = 1024, 1024
grad = torch.randn(ROWS, COLS)

OPTIMIZERS = {
    "SGD": lambda p: torch.optim.SGD(p, lr=1e-2),
    "SGD, momentum 0.9": lambda p: torch.optim.SGD(p, lr=1e-2, momentum=0.9),
    "AdamW": lambda p: torch.optim.AdamW(p, lr=1e-3),
    "Adafactor": lambda p: torch.optim.Adafactor(p, lr=1e-2),
    "Muon": lambda p: torch.optim.Muon(p, lr=1e-2),
}
print(f"{'optimizer':20s}state bytes / parameter (fp32 matrix {ROWS}x{COLS})")
per_param = {}
for name, make in OPTIMIZERS.items():
    w = torch.nn.Parameter(torch.randn(ROWS, COLS))
    opt = make([w])
    w.grad = grad.clone()
    opt.step()
    state = opt.state[w]
    nbytes = sum(
        t.numel() * t.element_size()
        for key, t in state.items()
        if torch.is_tensor(t) and key != "step"
    )
    per_param[name] = nbytes / w.numel()
    print(f"{name:20s}{per_param[name]:.4f}  {sorted(k for k in state if k != 'step')}")
assert per_param["SGD"] == 0 and per_param["SGD, momentum 0.9"] == 4
assert per_param["AdamW"] == 8 and per_param["Muon"] == 4
assert per_param["Adafactor"] < 0.01  # a row and a column vector instead of a full matrix

A, B, C = 3.4445, -4.7750, 2.0315  # quintic Newton-Schulz coefficients (Keller Jordan)


def newton_schulz(g: torch.Tensor, steps: int = 5) -> torch.Tensor:
    x = g.bfloat16()  # Muon runs the iteration in bf16
    transposed = x.size(0) > x.size(1)
    if transposed:
        x = x.T
    x = x / x.norm().clamp(min=1e-7)  # Frobenius norm >= spectral norm: singular values <= 1
    for _ in range(steps):
        gram = x @ x.T
        poly = torch.addmm(gram, gram, gram, beta=B, alpha=C)  # B*gram + C*gram@gram
        x = torch.addmm(x, poly, x, beta=A)  # A*x + poly@x: an odd polynomial of the sing. values
    return x.T if transposed else x


def muon_by_hand(w, grads, lr=0.02, momentum=0.95, wd=0.1, match_rms_adamw=False):
    rows, cols = w.shape
    # torch's default (Keller Jordan's) lr scale is sqrt(max(1, A / B)); Moonshot's
    # "match_rms_adamw" is 0.2 * sqrt(max(A, B)), which makes the update's RMS about AdamW's.
    scale = 0.2 * max(rows, cols) ** 0.5 if match_rms_adamw else max(1, rows / cols) ** 0.5
    buf = torch.zeros_like(w)
    for g in grads:
        buf = buf.lerp(g, 1 - momentum)  # EMA of the gradients
        update = newton_schulz(g.lerp(buf, momentum))  # Nesterov look-ahead
        w = w * (1 - lr * wd)  # decoupled weight decay, as in AdamW
        w = w.add(update, alpha=-lr * scale)  # shape-scaled lr
    return w


torch.manual_seed(1)
w0 = torch.randn(256, 128)
grads = [torch.randn(256, 128) @ torch.diag(torch.logspace(0, -2, 128)) for _ in range(3)]
diffs = []
for adjust in (None, "match_rms_adamw"):
    w = torch.nn.Parameter(w0.clone())
    opt = torch.optim.Muon([w], lr=0.02, momentum=0.95, weight_decay=0.1, adjust_lr_fn=adjust)
    for g in grads:
        w.grad = g.clone()
        opt.step()
    by_hand = muon_by_hand(w0, grads, match_rms_adamw=adjust is not None)
    diffs.append((by_hand - w.detach()).abs().max().item())
diff = max(diffs)
sv_grad = torch.linalg.svdvals(grads[0])
sv_update = torch.linalg.svdvals(newton_schulz(grads[0]).float())
shown = f"{diff:.0e}" if diff >= 1e-6 else "< 1e-6"  # bf16 rounding can depend on threads
print(f"Muon by hand vs torch.optim.Muon (both lr scalings), 3 steps: max |diff| = {shown}")
for label, sv in [("gradient", sv_grad), ("Newton-Schulz update", sv_update)]:
    print(
        f"singular values of the {label}: {sv.min():.2f} to {sv.max():.2f},"
        f" max/min = {sv.max() / sv.min():.0f}, median = {sv.median():.2f}"
    )
assert diff < 1e-6
assert sv_grad.max() / sv_grad.min() > 20 * (sv_update.max() / sv_update.min())
assert 0.5 < sv_update.median() < 1.5
