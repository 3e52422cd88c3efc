# verify: cuda
"""Knowledge distillation: a small student learns from a large teacher's soft targets.

The teacher is trained on all ten digits. Identical students (8x fewer parameters) are
trained on the labels alone or with the distillation loss: temperature-scaled KL
divergence to the teacher plus cross-entropy on the labels. First on the whole training
set, then, as in Hinton et al. (2015), on a training set without a single 3: the soft
targets on the other digits ("this 5 looks a little like a 3") carry the missing class.
Last, the NaN that the source posts' loss produces.
"""

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"
X, y = load_digits(return_X_y=True)
X, y = torch.tensor(X / 16.0, dtype=torch.float32), torch.tensor(y)
perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
X_train, y_train = X[perm[:1300]].to(device), y[perm[:1300]].to(device)
X_test, y_test = X[perm[1300:]].to(device), y[perm[1300:]].to(device)


def fit(model: nn.Module, inputs, loss_fn, epochs: int) -> nn.Module:
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for _ in range(epochs):
        model.train()
        optimizer.zero_grad()
        loss_fn(model(inputs)).backward()
        optimizer.step()
    return model.eval()


def accuracy(model: nn.Module) -> tuple[float, float]:
    """Accuracy on the test set, and on the test images of a 3."""
    with torch.no_grad():
        correct = model(X_test).argmax(1) == y_test
    return correct.float().mean().item(), correct[y_test == 3].float().mean().item()


def distillation_loss(s_logits, t_logits, labels, T: float = 8.0, alpha: float = 0.9):
    """Hinton et al.: alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE(labels).
    T^2 keeps the soft-target gradients on the same scale as the hard-label ones."""
    soft = F.kl_div(
        F.log_softmax(s_logits / T, dim=1),  # input: the student's log-probabilities
        F.softmax(t_logits / T, dim=1),  # target: the teacher's probabilities
        reduction="batchmean",  # the KL per sample; "mean" would also divide by 10 classes
    )
    return alpha * T * T * soft + (1 - alpha) * F.cross_entropy(s_logits, labels)


def student(inputs, labels, teacher_logits=None) -> nn.Module:
    torch.manual_seed(2)  # every student starts from the same weights
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)).to(device)
    if teacher_logits is None:
        return fit(model, inputs, lambda out: F.cross_entropy(out, labels), epochs=200)
    return fit(model, inputs, lambda out: distillation_loss(out, teacher_logits, labels), 200)


torch.manual_seed(0)
teacher = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, 10))
teacher = fit(teacher.to(device), X_train, lambda out: F.cross_entropy(out, y_train), 100)

no_threes = y_train != 3  # a training set in which the students never see a 3
X_no3, y_no3 = X_train[no_threes], y_train[no_threes]
with torch.no_grad():  # the teacher is frozen: eval mode, no autograd graph
    soft_all, soft_no3 = teacher(X_train), teacher(X_no3)

rows = {
    "teacher": teacher,
    "all digits, labels only": student(X_train, y_train),
    "all digits, distilled": student(X_train, y_train, soft_all),
    "no 3s, labels only": student(X_no3, y_no3),
    "no 3s, distilled": student(X_no3, y_no3, soft_no3),
}
print(f"{'':24s} parameters  test accuracy  on the 3s")
scores = {}
for name, model in rows.items():
    scores[name] = accuracy(model)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{name:24s} {n_params:10,}  {scores[name][0]:13.3f}  {scores[name][1]:9.3f}")

# The source posts' loss: KLDivLoss expects probabilities as the target, not log-probabilities.
with torch.no_grad():
    s_log = F.log_softmax(rows["all digits, distilled"](X_train), dim=1)
    wrong = F.kl_div(s_log, F.log_softmax(soft_all, 1), reduction="batchmean")
    as_log = F.kl_div(s_log, F.log_softmax(soft_all, 1), reduction="batchmean", log_target=True)
    as_prob = F.kl_div(s_log, F.softmax(soft_all, 1), reduction="batchmean")
print(f"\nKL with log-probabilities as the target: {wrong.item()}")
print(f"  with log_target=True: {as_log.item():.4f}; with probabilities: {as_prob.item():.4f}")

assert scores["teacher"][0] > 0.93
assert abs(scores["all digits, distilled"][0] - scores["all digits, labels only"][0]) < 0.03
assert scores["no 3s, labels only"][1] == 0.0, "a class never seen in the labels"
assert scores["no 3s, distilled"][1] > 0.3, "learned from the soft targets alone"
assert scores["no 3s, distilled"][0] > scores["no 3s, labels only"][0] + 0.02
assert torch.isnan(wrong) and torch.allclose(as_log, as_prob)
