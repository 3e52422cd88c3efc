"""Two quick checks before a long run: the initial loss, and overfitting a single batch.

At initialization a classifier's loss should be close to ln(number of classes). A correct
model and training loop then drives the loss on one fixed batch to almost zero; the
common bugs below cannot, and each fails in its own recognisable way.
"""

import math

import torch
from torch import nn

N_CLASSES = 10
generator = torch.Generator().manual_seed(0)
X = torch.randn(32, 20, generator=generator)  # one fixed batch of 32 samples
y = torch.randint(0, N_CLASSES, (32,), generator=generator)  # random labels: mechanics only


def make_model() -> nn.Module:
    torch.manual_seed(1)  # every variant starts from the same weights
    return nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, N_CLASSES))


def overfit_one_batch(bug: str | None = None, lr: float = 0.1, steps: int = 200) -> float:
    """Train on the same batch `steps` times with SGD + momentum; return the last loss."""
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()  # expects raw logits, applies log-softmax itself
    for _ in range(steps):
        if bug != "no zero_grad":
            optimizer.zero_grad()  # forgotten: gradients add up over all previous steps
        logits = model(X)
        if bug == "softmax":
            logits = logits.softmax(dim=1)  # probabilities fed in as if they were logits
        loss = loss_fn(logits, y)
        loss.backward()
        if bug == "zero_grad after backward":
            optimizer.zero_grad()  # wipes the gradients before the step uses them
        optimizer.step()
    return loss.item()


with torch.no_grad():
    initial = nn.functional.cross_entropy(make_model()(X), y).item()
print(f"initial loss {initial:.3f}, expected about ln({N_CLASSES}) = {math.log(N_CLASSES):.3f}")

# With probabilities in [0, 1] as "logits", the loss cannot go below -1 + ln(e + C - 1).
softmax_floor = math.log(math.e + N_CLASSES - 1) - 1
runs = {
    "healthy loop": overfit_one_batch(),
    "softmax before CrossEntropyLoss": overfit_one_batch("softmax"),
    "zero_grad() after backward()": overfit_one_batch("zero_grad after backward"),
    "no zero_grad()": overfit_one_batch("no zero_grad"),
    "learning rate 100x too high": overfit_one_batch(lr=10.0),
}
print(f"loss on one batch after 200 steps (softmax floor {softmax_floor:.3f}):")
for name, loss in runs.items():
    shown = f"{loss:.3f}" if loss < 1e3 else ("nan" if math.isnan(loss) else "diverged (> 1000)")
    print(f"  {name:32s} {shown}")

assert abs(initial - math.log(N_CLASSES)) < 0.2, "a fresh classifier should be near ln(C)"
assert runs["healthy loop"] < 0.01, "a correct loop memorizes one batch"
assert softmax_floor <= runs["softmax before CrossEntropyLoss"] < softmax_floor + 0.1
assert runs["zero_grad() after backward()"] == initial, "no step ever changes the weights"
assert runs["no zero_grad()"] > 1e3 and math.isnan(runs["learning rate 100x too high"])
