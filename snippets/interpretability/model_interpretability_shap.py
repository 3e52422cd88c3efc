"""SHAP values of a gradient-boosted tree model, with the additivity check.

For each prediction, TreeExplainer splits the model's output into one contribution per
feature: base value + sum of the SHAP values = the model's output for that sample. For a
GradientBoostingClassifier that output is the log-odds (decision_function), not the
probability. Averaging |SHAP| over a data set gives a global ranking of the features.
"""

import numpy as np
import shap
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
)
model = GradientBoostingClassifier(random_state=0).fit(X_train, y_train)
print(f"test accuracy {model.score(X_test, y_test):.3f}")

# A background sample from the training data defines the "average" input (interventional).
background = shap.sample(X_train, 100, random_state=0)
explainer = shap.TreeExplainer(model, data=background)
sv = explainer(X_test)  # an Explanation: .values (n, 30), .base_values (n,)

log_odds = model.decision_function(X_test)
reconstructed = sv.base_values + sv.values.sum(axis=1)
gap = np.abs(reconstructed - log_odds).max()
print(f"base value {float(np.ravel(sv.base_values)[0]):.3f} (mean log-odds over the background)")
print(f"base + sum(SHAP) = model log-odds for all {len(X_test)} test samples: {gap < 1e-6}")
assert gap < 1e-6, "SHAP values must add up to the model output"

probas = model.predict_proba(X_test)[:, 1]
i = int(np.argmin(np.abs(probas - 0.5)))  # the least certain test sample
proba = probas[i]
print(f"sample {i}: log-odds {log_odds[i]:.3f}, P(benign) {proba:.3f}; largest contributions:")
for j in np.argsort(-np.abs(sv.values[i]))[:3]:
    print(f"  {data.feature_names[j]:22s} = {X_test[i, j]:8.3f}  SHAP {sv.values[i, j]:+.3f}")

ranking = np.argsort(-np.abs(sv.values).mean(axis=0))[:5]
print("global ranking by mean |SHAP|:")
for j in ranking:
    print(f"  {data.feature_names[j]:22s} {np.abs(sv.values[:, j]).mean():.3f}")
