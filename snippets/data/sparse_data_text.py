"""Sparse text features straight into linear models, never densified.

TfidfVectorizer (a vocabulary learned on the training split) feeds LogisticRegression;
HashingVectorizer (no vocabulary, nothing to fit) feeds SGDClassifier chunk by chunk
with partial_fit, the out-of-core pattern. The documents are synthetic: Zipf-distributed
tokens, where each class uses its own 100 topic tokens five times more often.
"""

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(0)
VOCAB = np.array([f"w{i:04d}" for i in range(5_000)])
base = 1.0 / (np.arange(len(VOCAB)) + 10.0)  # Zipf-like word frequencies
topic_probs = []
for topic_tokens in (rng.choice(len(VOCAB), 100, replace=False) for _ in range(2)):
    p = base.copy()
    p[topic_tokens] *= 5.0
    topic_probs.append(p / p.sum())
y = rng.integers(0, 2, size=3_000)
docs = [" ".join(rng.choice(VOCAB, size=rng.integers(30, 80), p=topic_probs[c])) for c in y]
docs_train, docs_test, y_train, y_test = train_test_split(docs, y, test_size=0.2, random_state=0)

# 1. TF-IDF: learns the vocabulary and idf weights on the training split only.
tfidf = TfidfVectorizer()
X_train = tfidf.fit_transform(docs_train)  # CSR, one row per document
X_test = tfidf.transform(docs_test)
assert sparse.issparse(X_train) and X_train.format == "csr"
n_docs, n_terms = X_train.shape
sparse_mb = (X_train.data.nbytes + X_train.indices.nbytes + X_train.indptr.nbytes) / 1e6
print(f"TF-IDF: {n_docs} x {n_terms}, density {X_train.nnz / (n_docs * n_terms):.2%}")
print(
    f"  memory: CSR {sparse_mb:.2f} MB, dense float64 would be {n_docs * n_terms * 8 / 1e6:.0f} MB"
)
logreg = LogisticRegression(max_iter=1000).fit(X_train, y_train)  # works on CSR directly
acc_tfidf = logreg.score(X_test, y_test)
print(f"  LogisticRegression test accuracy: {acc_tfidf:.3f}")

# 2. Hashing: token -> column by a hash, so there is no vocabulary to fit or store and
#    new documents can stream in. 2**18 columns; a dense matrix would be useless here.
hasher = HashingVectorizer(n_features=2**18, alternate_sign=False)
sgd = SGDClassifier(loss="log_loss", random_state=0)
for _epoch in range(3):  # three passes over a stream of chunks read one at a time
    for start in range(0, len(docs_train), 600):
        chunk = hasher.transform(docs_train[start : start + 600])  # stateless: no fit
        sgd.partial_fit(chunk, y_train[start : start + 600], classes=[0, 1])
X_test_hashed = hasher.transform(docs_test)
acc_hashing = sgd.score(X_test_hashed, y_test)
n_cols = X_test_hashed.shape[1]
dense_gb = X_test_hashed.shape[0] * n_cols * 8 / 1e9
print(f"Hashing: {n_cols} columns; the test split as dense float64 would take {dense_gb:.2f} GB")
print(f"  SGDClassifier, partial_fit on chunks of 600, 3 passes: test accuracy {acc_hashing:.3f}")

assert X_train.nnz / (n_docs * n_terms) < 0.02  # over 98% zeros
assert acc_tfidf > 0.9 and acc_hashing > 0.9
