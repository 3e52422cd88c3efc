"""Two leaks that make cross-validation lie, both shown on data with nothing to learn.

1. Feature selection fitted on all the data before cross-validation, versus inside a
   Pipeline, so that each fold selects features from its own training part only.
2. Several samples per patient: KFold puts the same patient in training and test folds;
   GroupKFold keeps each patient in one fold.
"""

import numpy as np
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

rng = np.random.default_rng(0)

# 1. Pure noise: 200 samples, 2000 random features, random labels. Chance accuracy is 0.5.
X = rng.standard_normal((200, 2000))
y = rng.permutation(np.repeat([0, 1], 100))
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
model = LogisticRegression(max_iter=1000)

X_selected = SelectKBest(f_classif, k=20).fit_transform(X, y)  # LEAK: looks at every label
leaky = cross_val_score(model, X_selected, y, cv=cv).mean()
pipeline = make_pipeline(SelectKBest(f_classif, k=20), model)  # refitted inside each fold
honest = cross_val_score(pipeline, X, y, cv=cv).mean()
print("pure noise, chance = 0.5")
print(f"  select 20 of 2000 features, then CV: accuracy {leaky:.3f}")
print(f"  selection inside a Pipeline:         accuracy {honest:.3f}")

# 2. 100 patients x 4 samples. Each patient has its own feature profile and one random label,
#    so the features identify the patient but say nothing about the label.
patients = np.repeat(np.arange(100), 4)
profile = rng.standard_normal((100, 10))
X_p = profile[patients] + 0.3 * rng.standard_normal((400, 10))
y_p = rng.permutation(np.repeat([0, 1], 50))[patients]
knn = KNeighborsClassifier(n_neighbors=1)
by_sample = cross_val_score(knn, X_p, y_p, cv=KFold(n_splits=5, shuffle=True, random_state=0))
by_patient = cross_val_score(knn, X_p, y_p, cv=GroupKFold(n_splits=5), groups=patients)
print("100 patients x 4 samples, label random per patient, chance = 0.5")
print(f"  KFold (a patient in train and test): accuracy {by_sample.mean():.3f}")
print(f"  GroupKFold (one fold per patient):   accuracy {by_patient.mean():.3f}")

assert leaky > 0.7 and honest < 0.65, "the leak alone creates a 'signal'"
assert by_sample.mean() > 0.95 and by_patient.mean() < 0.65
