"""Learning curves tell you whether more data would help, and for which model.

On the 8x8 digits, an RBF-kernel SVM keeps improving as the training set grows until it
levels off, while Gaussian naive Bayes stops improving early: its training and validation
scores meet at a low value, so it needs a better model, not more data.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold, learning_curve
from sklearn.naive_bayes import GaussianNB
from sklearn.svm import SVC

X, y = load_digits(return_X_y=True)
X = X / 16.0  # pixel values 0..16 -> 0..1
sizes = [40, 80, 160, 320, 640, 1280]  # training-set sizes to try, each a subset of a fold
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
models = {"naive Bayes": GaussianNB(), "SVM (RBF)": SVC()}

curves = {}
for name, model in models.items():
    _, train, val = learning_curve(
        model, X, y, train_sizes=sizes, cv=cv, shuffle=True, random_state=0
    )
    curves[name] = (train.mean(axis=1), val.mean(axis=1))  # mean over the 5 folds

print(
    f"{'n train':>7s}   {'naive Bayes':>13s}   {'SVM (RBF)':>13s}   (train / validation accuracy)"
)
for i, n in enumerate(sizes):
    cells = [f"{curves[m][0][i]:.3f} / {curves[m][1][i]:.3f}" for m in models]
    print(f"{n:7d}   {cells[0]:>13s}   {cells[1]:>13s}")

# How to read a learning curve: the slope of validation accuracy over the last doublings
# (is it still rising?) and the gap between training and validation (is there room?).
for name, (train, val) in curves.items():
    print(
        f"{name:11s}: validation {val[0]:.3f} -> {val[-1]:.3f}; "
        f"last doubling +{val[-1] - val[-2]:.3f}; final gap {train[-1] - val[-1]:.3f}"
    )

nb_train, nb_val = curves["naive Bayes"]
svm_train, svm_val = curves["SVM (RBF)"]
assert svm_val[3] - svm_val[0] > 0.3, "with few samples, more data helps the SVM a lot"
assert svm_val[-1] - svm_val[-2] < 0.02, "...and then the curve levels off"
assert nb_val[-1] - nb_val[-3] < 0.03 and nb_train[-1] - nb_val[-1] < 0.03, "NB has plateaued"
assert svm_val[-1] - nb_val[-1] > 0.1, "the plateau of naive Bayes is a model limit (high bias)"

fig, ax = plt.subplots(figsize=(5.5, 3.6))
for (name, (train, val)), color in zip(curves.items(), ["tab:orange", "tab:blue"], strict=True):
    ax.plot(sizes, val, "o-", color=color, label=f"{name}, validation")
    ax.plot(sizes, train, "--", color=color, label=f"{name}, training")
ax.set(xscale="log", xlabel="training samples", ylabel="accuracy", ylim=(0.3, 1.02))
ax.set_xticks(sizes, [str(n) for n in sizes])
ax.legend(fontsize=8, loc="lower right")
ax.grid(alpha=0.3)
fig.tight_layout()
fig.savefig("insufficient_data.png", dpi=100)
plt.close(fig)
