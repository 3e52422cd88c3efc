"""Federated averaging (FedAvg), simulated in one process.

Five clients hold non-IID shards of scikit-learn's digits (each sees mostly a few classes, in
unequal amounts). Each round, every client trains the global model locally and the server
averages the weights, weighted by each client's number of samples. We check that this weighting
makes one step of FedAvg equal to one centralized gradient step, then compare FedAvg with
centralized training and with clients that train alone.
"""

import copy

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

N_CLIENTS, ROUNDS, LOCAL_EPOCHS, LR = 5, 20, 2, 0.1
torch.set_num_threads(1)  # tiny matrices: more threads only add synchronization overhead

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)

# Non-IID split: for each class, Dirichlet(0.3) proportions decide how its samples are
# shared among the clients, so clients differ both in size and in label mix.
rng = np.random.default_rng(0)
shards = [[] for _ in range(N_CLIENTS)]
for c in range(10):
    idx = rng.permutation(np.flatnonzero(y_train == c))
    cuts = (np.cumsum(rng.dirichlet([0.3] * N_CLIENTS))[:-1] * len(idx)).astype(int)
    for k, part in enumerate(np.split(idx, cuts)):
        shards[k].extend(part)


def to_tensor(a, dtype: torch.dtype) -> torch.Tensor:
    return torch.tensor(np.asarray(a), dtype=dtype)


clients = [
    (to_tensor(X_train[s], torch.float32), to_tensor(y_train[s], torch.long)) for s in shards
]
X_all, y_all = to_tensor(X_train, torch.float32), to_tensor(y_train, torch.long)
X_test, y_test = to_tensor(X_test, torch.float32), to_tensor(y_test, torch.long)
sizes = [len(cy) for _, cy in clients]
print("client sizes:", sizes)
print(
    "classes per client (>= 10 samples):", [int((cy.bincount() >= 10).sum()) for _, cy in clients]
)


def new_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def local_train(model: nn.Module, x, y, epochs: int, batch: int | None = 32) -> nn.Module:
    model = copy.deepcopy(model)  # the client's copy of the global model
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for idx in order.split(batch or len(x)):
            optimizer.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            optimizer.step()
    return model


def fed_avg(global_model: nn.Module, client_models, weights) -> nn.Module:
    """Server step: the weighted average of the clients' parameters."""
    weights = torch.tensor(weights, dtype=torch.float32) / sum(weights)
    averaged = copy.deepcopy(global_model)
    state = {
        name: sum(w * m.state_dict()[name] for w, m in zip(weights, client_models, strict=True))
        for name in global_model.state_dict()
    }
    averaged.load_state_dict(state)
    return averaged


def accuracy(model: nn.Module) -> float:
    with torch.no_grad():
        return (model(X_test).argmax(1) == y_test).float().mean().item()


def max_diff(a: nn.Module, b: nn.Module) -> float:
    return max(
        (p - q).abs().max().item() for p, q in zip(a.parameters(), b.parameters(), strict=True)
    )


# 1. Why weight by sample count: with one full-batch step per client, FedAvg weighted by
#    n_k / n is exactly one centralized gradient step on all the data (FedSGD).
start = new_model()
one_step = [local_train(start, cx, cy, epochs=1, batch=None) for cx, cy in clients]
central_step = local_train(start, X_all, y_all, epochs=1, batch=None)
weighted_gap = max_diff(fed_avg(start, one_step, sizes), central_step)
unweighted_gap = max_diff(fed_avg(start, one_step, [1] * N_CLIENTS), central_step)
print(f"one step, weighted average = centralized step: {weighted_gap < 1e-6}")
print(f"one step, unweighted average: max |diff| from centralized {unweighted_gap:.3f}")
assert weighted_gap < 1e-6 < unweighted_gap

# 2. Several local epochs per round: fewer communication rounds, but the clients drift
#    towards their own label mix, so non-IID FedAvg trails centralized training.
torch.manual_seed(0)
global_model = new_model()
for _ in range(ROUNDS):
    updates = [local_train(global_model, cx, cy, LOCAL_EPOCHS) for cx, cy in clients]
    global_model = fed_avg(global_model, updates, sizes)
central = local_train(new_model(), X_all, y_all, epochs=ROUNDS * LOCAL_EPOCHS)
alone = [accuracy(local_train(new_model(), cx, cy, ROUNDS * LOCAL_EPOCHS)) for cx, cy in clients]

acc_fed, acc_central, acc_alone = accuracy(global_model), accuracy(central), float(np.mean(alone))
print(f"test accuracy, centralized:             {acc_central:.3f}")
print(f"test accuracy, FedAvg ({ROUNDS} rounds x {LOCAL_EPOCHS} epochs): {acc_fed:.3f}")
print(f"test accuracy, each client alone (mean): {acc_alone:.3f}")
assert acc_alone < acc_fed <= acc_central
