"""LIME with captum.attr.Lime: a local linear surrogate around one prediction, and its noise.

LIME switches features on and off around one sample (off = the training mean), queries
the model on those perturbed inputs, weights them by closeness to the sample and fits a
sparse linear model; its coefficients are the explanation. The samples are random, so
the explanation changes with the seed, much more so with few samples (Captum's default
is 25).
"""

import numpy as np
import torch
from captum.attr import Lime
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
)
scaler = StandardScaler().fit(X_train)  # LIME's distances need comparable scales
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
model = GradientBoostingClassifier(random_state=0).fit(X_train, y_train)


def predict_benign(x: torch.Tensor) -> torch.Tensor:
    """The black box LIME queries: a batch of inputs -> P(benign)."""
    return torch.from_numpy(model.predict_proba(x.detach().numpy())[:, 1])


probas = model.predict_proba(X_test)[:, 1]
i = int(np.argmin(np.abs(probas - 0.5)))  # the least certain test sample
x = torch.from_numpy(X_test[i : i + 1])
baseline = torch.zeros_like(x)  # standardized training mean
lime = Lime(predict_benign)


def explain(seed: int, n_samples: int) -> np.ndarray:
    torch.manual_seed(seed)  # LIME draws its perturbations from torch's generator
    weights = lime.attribute(
        x, baselines=baseline, n_samples=n_samples, perturbations_per_eval=n_samples
    )  # perturbations_per_eval: query the model once with the whole batch
    return weights[0].numpy()


print(f"sample {i}: P(benign) {probas[i]:.3f}")
w = explain(seed=0, n_samples=1000)
print("LIME weights (sparse linear surrogate, 1000 perturbed samples, seed 0):")
for j in np.flatnonzero(w)[np.argsort(-np.abs(w[w != 0]))]:
    print(f"  {data.feature_names[j]:22s} {w[j]:+.3f}")

print("the same explanation with 5 seeds:")
spread = {}
for n_samples in (1000, 25):  # 25 is Captum's default
    runs = np.array([explain(seed, n_samples) for seed in range(5)])
    first = runs[:, np.argmax(np.abs(w))]  # the weight of the top feature in each run
    top3 = {frozenset(np.argsort(-np.abs(r))[:3]) for r in runs}
    spread[n_samples] = first.std(), len(top3)
    print(
        f"  {n_samples:4d} samples: {data.feature_names[np.argmax(np.abs(w))]} "
        f"{first.mean():+.3f} +- {first.std():.3f}; distinct top-3 sets: {len(top3)}"
    )
assert spread[25][0] > 2 * spread[1000][0], "fewer perturbations, less stable explanations"
assert spread[1000][1] == 1 < spread[25][1]
