"""Where NaN and inf come from, how to find them, and a guard that skips a bad step.

1. One input row contains NaN: without a guard, the first batch that holds it turns every
   weight into NaN for good; a guard that checks the loss and the gradient norm with
   torch.isfinite skips that step and training carries on.
2. log(0) in a hand-written loss gives inf and a NaN gradient; torch.autograd's anomaly
   detection names the operation; the fused loss on logits stays finite.
"""

import warnings

import torch
from sklearn.datasets import make_classification
from torch import nn

# --- 1. bad data ------------------------------------------------------------------------
X, y = make_classification(n_samples=640, n_features=10, random_state=0)
X = torch.tensor((X - X.mean(0)) / X.std(0), dtype=torch.float32)
y = torch.tensor(y, dtype=torch.float32)
X[100, 3] = float("nan")  # one corrupted value, as a broken feature pipeline would produce
clean = torch.isfinite(X).all(dim=1)  # the real fix: find (and drop or repair) such rows
print(f"rows with non-finite inputs: {(~clean).nonzero().flatten().tolist()}")


def train(guard: bool, max_skips: int = 10) -> tuple[nn.Module, list[int]]:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    loss_fn = nn.BCEWithLogitsLoss()
    order = torch.Generator().manual_seed(0)
    skipped, step = [], 0
    for _ in range(3):  # epochs
        for idx in torch.randperm(len(X), generator=order).split(32):
            loss = loss_fn(model(X[idx]).squeeze(1), y[idx])
            optimizer.zero_grad()
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)  # pre-clip norm
            if guard and not (torch.isfinite(loss) and torch.isfinite(norm)):
                skipped.append(step)  # do not step: weights and AdamW state stay clean
                if len(skipped) > max_skips:
                    raise RuntimeError(f"{len(skipped)} non-finite steps, last at step {step}")
            else:
                optimizer.step()
            step += 1
    return model, skipped


for guard in (False, True):
    model, skipped = train(guard)
    weights_ok = all(torch.isfinite(p).all() for p in model.parameters())
    with torch.inference_mode():
        acc = ((model(X[clean]).squeeze(1) > 0).float() == y[clean]).float().mean().item()
    name = "with guard" if guard else "no guard"
    print(f"{name:10s}  weights finite: {weights_ok!s:5s}  skipped steps: {skipped}  acc {acc:.3f}")
    assert weights_ok == guard
    assert (acc > 0.85) == guard


# --- 2. log(0) in a hand-written loss, found with anomaly detection ------------------------
def naive_bce(logit: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    prob = torch.sigmoid(logit)  # sigmoid(20) = 1 - 2e-9 rounds to exactly 1.0 in float32
    return -(target * torch.log(prob) + (1 - target) * torch.log(1 - prob))  # log(0) = -inf


logit, target = torch.tensor(20.0, requires_grad=True), torch.tensor(0.0)
naive = naive_bce(logit, target)
naive.backward()
print(f"hand-written BCE on sigmoid:  loss {naive.item()}, gradient {logit.grad.item()}")
assert torch.isinf(naive) and torch.isnan(logit.grad)

# detect_anomaly makes backward() raise at the first operation whose gradient is NaN and
# reports, through a warning, the forward line that created that operation.
logit.grad = None
with warnings.catch_warnings(record=True) as caught:  # record them instead of raising
    warnings.simplefilter("always")
    with torch.autograd.detect_anomaly():
        try:
            naive_bce(logit, target).backward()
        except RuntimeError as err:
            error = str(err)
report = next(str(w.message) for w in caught if "Error detected in" in str(w.message))
lines = report.splitlines()
culprit = next(lines[i + 1] for i in reversed(range(len(lines))) if "in naive_bce" in lines[i])
print(f"detect_anomaly: {error}")
print(f"  created by: {culprit.split('#')[0].strip()}")
assert "SigmoidBackward0" in error

logit.grad = None
fused = nn.functional.binary_cross_entropy_with_logits(logit, target)  # log-sum-exp, stable
fused.backward()
print(f"binary_cross_entropy_with_logits:  loss {fused.item():.3f}, ", end="")
print(f"gradient {logit.grad.item():.3f}")
assert torch.isfinite(fused) and torch.isfinite(logit.grad)
