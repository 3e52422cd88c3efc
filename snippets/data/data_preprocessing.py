"""Preprocessing mixed numeric and categorical columns with one Pipeline, fitted on the
training split only, and a preprocessing step that leaks when fitted on all the data.

Plain NumPy (an object array holds both kinds of columns); ColumnTransformer picks
columns by index. Impute first, then scale (numeric) or one-hot encode (categorical).
"""

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler, TargetEncoder

rng = np.random.default_rng(0)
n = 1000
age = rng.normal(40, 12, n)
income = rng.lognormal(10, 0.5, n)
visits = rng.poisson(3, n).astype(float)
city = rng.choice(["beijing", "shanghai", "shenzhen", "chengdu"], n)
device = rng.choice(["android", "ios"], n)
logit = 0.05 * (age - 40) + 1.5 * (city == "shenzhen") - 1.0 * (device == "ios") + 0.3 * visits
y = (logit + rng.logistic(size=n) > 1.0).astype(int)

X = np.empty((n, 5), dtype=object)  # columns: age, income, visits | city, device
X[:, 0], X[:, 1], X[:, 2], X[:, 3], X[:, 4] = age, income, visits, city, device
X[rng.random(n) < 0.1, 1] = np.nan  # 10% of incomes missing
X[rng.random(n) < 0.05, 3] = np.nan  # 5% of cities missing
NUMERIC, CATEGORICAL = [0, 1, 2], [3, 4]

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
X_test[0, 3] = "xian"  # a category the training split never saw

preprocess = ColumnTransformer(
    [
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
        (
            "cat",
            make_pipeline(
                SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="ignore"),  # unseen category -> all zeros
            ),
            CATEGORICAL,
        ),
    ],
    sparse_threshold=0,  # return a dense array
)
model = make_pipeline(preprocess, LogisticRegression(max_iter=1000))
model.fit(X_train, y_train)  # every statistic below is learned from X_train only

imputer, scaler = (step for _, step in preprocess.named_transformers_["num"].steps)
train_income = X_train[:, 1].astype(float)
assert np.isclose(imputer.statistics_[1], np.nanmedian(train_income))
print(f"income median used for imputation: {imputer.statistics_[1]:,.0f} (training split)")
print(f"  median of all rows would have been {np.nanmedian(X[:, 1].astype(float)):,.0f}")
print(f"scaler means (age, income, visits): {np.round(scaler.mean_, 1).tolist()}")
encoder = preprocess.named_transformers_["cat"].steps[1][1]
print(f"one-hot categories: {[c.tolist() for c in encoder.categories_]}")
Z_test = preprocess.transform(X_test)
print(f"features after preprocessing: {Z_test.shape[1]} (3 numeric + 4 cities + 2 devices)")
print(f"unseen city 'xian' encodes as city columns {Z_test[0, 3:7].tolist()}")
print(f"test accuracy: {model.score(X_test, y_test):.3f}")
assert Z_test.shape[1] == 9 and Z_test[0, 3:7].sum() == 0

# A step that looks at the labels leaks when fitted before the split. Target encoding
# replaces a category by the mean label of its rows; with ~2 rows per user id and
# random labels, the mean includes the row's own label.
ids = rng.integers(0, 1000, size=(2000, 1)).astype(str)
noise_y = rng.integers(0, 2, size=2000)
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
means = {u: noise_y[ids[:, 0] == u].mean() for u in np.unique(ids)}
leaky_feature = np.array([[means[u]] for u in ids[:, 0]])  # fitted on ALL rows
leaky = cross_val_score(LogisticRegression(), leaky_feature, noise_y, cv=cv).mean()
# TargetEncoder learns the means from the training folds only, and even there it
# cross-fits: each training row is encoded with means from the other internal folds.
encoder_cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
honest_model = make_pipeline(TargetEncoder(cv=encoder_cv), LogisticRegression())
honest = cross_val_score(honest_model, ids, noise_y, cv=cv).mean()
chance = max(noise_y.mean(), 1 - noise_y.mean())  # always predicting the majority label
print(f"random labels, {len(means)} user ids, majority-class accuracy {chance:.3f}")
print(f"  target encoding fitted on all rows, then CV: accuracy {leaky:.3f}")
print(f"  TargetEncoder inside the Pipeline:           accuracy {honest:.3f}")
assert leaky > chance + 0.15 and abs(honest - chance) < 0.03
