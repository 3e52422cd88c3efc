"""scipy.sparse in practice: build from (row, col, value) triples, pick CSR or CSC for the
access pattern, count the bytes, avoid writing into CSR, and scale without densifying.
"""

import warnings

import numpy as np
from scipy import sparse
from sklearn.preprocessing import MaxAbsScaler, StandardScaler

rng = np.random.default_rng(0)
n_rows, n_cols, nnz = 10_000, 10_000, 100_000  # density 0.1%, like user x item clicks
rows = rng.integers(0, n_rows, nnz, dtype=np.int32)  # int32 indices: 4 bytes each
cols = rng.integers(0, n_cols, nnz, dtype=np.int32)
vals = rng.random(nnz)

# Build: COO takes the triples as they are; converting to CSR sorts them and sums duplicates.
coo = sparse.coo_array((vals, (rows, cols)), shape=(n_rows, n_cols))
csr = coo.tocsr()
csc = coo.tocsc()
density = csr.nnz / (n_rows * n_cols)
print(f"shape {csr.shape}, {csr.nnz} values after summing duplicates, density {density:.2%}")


def nbytes(m) -> int:
    if m.format == "coo":
        return m.data.nbytes + sum(c.nbytes for c in m.coords)
    return m.data.nbytes + m.indices.nbytes + m.indptr.nbytes


dense_mb = n_rows * n_cols * 8 / 1e6  # float64; never allocated here
print(f"dense float64: {dense_mb:,.0f} MB")
for m in (coo, csr, csc):
    print(f"{m.format.upper()}: {nbytes(m) / 1e6:.2f} MB ({m.nnz} values)")
# CSR = data (8 B) + column index (4 B) per value, plus one row pointer (4 B) per row.
assert nbytes(csr) == csr.nnz * (8 + 4) + (n_rows + 1) * 4

# Access patterns: CSR stores each row contiguously, CSC each column.
user = csr[42:43]  # one row of CSR: data/indices between indptr[42] and indptr[43]
item = csc[:, 7:8]  # one column of CSC: the same, by column
start, stop = csr.indptr[42], csr.indptr[43]
assert np.array_equal(user.indices, csr.indices[start:stop])
print(f"row 42 has {user.nnz} values, column 7 has {item.nnz} values")
v = rng.random(n_cols)
assert np.allclose(csr @ v, csc @ v)  # products work on both; CSR is the usual choice

# Writing a new entry into CSR shifts every array behind it: scipy warns.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    csr_copy = csr.copy()
    csr_copy[0, 1] = 1.0  # position (0, 1) holds no value yet
print(f"assigning into CSR: {caught[0].category.__name__}")
lil = sparse.lil_array((n_rows, n_cols))  # LIL (or DOK) is built for incremental writes
lil[0, 1] = 1.0
assert lil.tocsr().nnz == 1

# Scaling: centering would turn every zero into a non-zero, so scikit-learn refuses it.
try:
    StandardScaler().fit(csr)
except ValueError as error:
    print(f"StandardScaler() on sparse input: ValueError ({str(error).split(':')[0]})")
for label, scaler in [
    ("StandardScaler(with_mean=False)", StandardScaler(with_mean=False)),  # divides by std only
    ("MaxAbsScaler()", MaxAbsScaler()),  # divides by max |x|, into [-1, 1]
]:
    scaled = scaler.fit_transform(csr)
    assert sparse.issparse(scaled) and scaled.nnz == csr.nnz
    print(f"{label}: still sparse, {scaled.nnz} stored values")
