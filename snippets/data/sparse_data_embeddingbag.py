"""Bag-of-words input in PyTorch without a dense multi-hot matrix: nn.EmbeddingBag.

A batch is one flat tensor of token ids plus the offset where each document starts.
EmbeddingBag(mode="sum") equals (sparse multi-hot counts) @ (embedding table); with
sparse=True its gradient touches only the rows of the tokens in the batch, and
torch.optim.SparseAdam updates only those rows.
"""

import numpy as np
import torch
from torch import nn

VOCAB, DIM = 5_000, 32
rng = np.random.default_rng(0)
base = 1.0 / (np.arange(VOCAB) + 10.0)  # Zipf-like token frequencies
topic_probs = []
for topic_tokens in (rng.choice(VOCAB, 100, replace=False) for _ in range(2)):
    p = base.copy()
    p[topic_tokens] *= 5.0  # each class uses its own 100 tokens more often
    topic_probs.append(p / p.sum())
labels = rng.integers(0, 2, size=3_000)
docs = [rng.choice(VOCAB, size=rng.integers(30, 80), p=topic_probs[c]) for c in labels]


def to_bag(batch_docs):
    """Variable-length documents -> (flat token ids, start offset of each document)."""
    lengths = torch.tensor([len(d) for d in batch_docs])
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)[:-1]])
    return torch.from_numpy(np.concatenate(batch_docs)), offsets


# 1. EmbeddingBag(sum) == sparse multi-hot counts @ weight, without building the counts.
torch.manual_seed(0)
bag_sum = nn.EmbeddingBag(VOCAB, DIM, mode="sum")
tokens, offsets = to_bag(docs[:4])
lengths = torch.diff(offsets, append=torch.tensor([len(tokens)]))
doc_of_token = torch.repeat_interleave(torch.arange(4), lengths)  # row index of every token
counts = torch.sparse_coo_tensor(
    torch.stack([doc_of_token, tokens]),
    torch.ones(len(tokens)),
    size=(4, VOCAB),
    check_invariants=True,
).coalesce()  # the multi-hot (count) matrix, stored sparsely
with torch.no_grad():
    via_matrix = torch.sparse.mm(counts, bag_sum.weight)
    same = torch.allclose(bag_sum(tokens, offsets), via_matrix, atol=1e-5)
print(f"4 documents, {len(tokens)} tokens; EmbeddingBag(sum) == sparse counts @ weight: {same}")
assert same

# 2. Train a classifier: mean of the token embeddings, then a linear layer.
train_idx, test_idx = np.arange(2_400), np.arange(2_400, 3_000)
torch.manual_seed(0)
bag = nn.EmbeddingBag(VOCAB, DIM, mode="mean", sparse=True)  # sparse gradients
head = nn.Linear(DIM, 2)
sparse_opt = torch.optim.SparseAdam(bag.parameters(), lr=0.05)  # for sparse gradients only
dense_opt = torch.optim.Adam(head.parameters(), lr=0.05)
loss_fn = nn.CrossEntropyLoss()
generator = torch.Generator().manual_seed(0)
for _epoch in range(4):
    order = train_idx[torch.randperm(len(train_idx), generator=generator).numpy()]
    for start in range(0, len(order), 256):
        batch = order[start : start + 256]
        tokens, offsets = to_bag([docs[i] for i in batch])
        sparse_opt.zero_grad()
        dense_opt.zero_grad()
        loss_fn(head(bag(tokens, offsets)), torch.from_numpy(labels[batch])).backward()
        sparse_opt.step()
        dense_opt.step()

grad = bag.weight.grad.coalesce()
rows_touched = grad.indices().shape[1]
print(f"last batch, {len(batch)} documents: sparse gradient {grad.is_sparse}")
print(f"  embedding rows touched: {rows_touched} of {VOCAB}")
sparse_kb = (grad.values().nbytes + grad.indices().nbytes) / 1e3  # float32 rows + int64 row ids
dense_kb = bag.weight.nbytes / 1e3
print(f"  gradient size: sparse {sparse_kb:.0f} KB (values + indices), dense {dense_kb:.0f} KB")
with torch.no_grad():
    tokens, offsets = to_bag([docs[i] for i in test_idx])
    accuracy = (head(bag(tokens, offsets)).argmax(1).numpy() == labels[test_idx]).mean()
print(f"test accuracy: {accuracy:.3f}")
assert grad.is_sparse and rows_touched < VOCAB / 2 and accuracy > 0.85
assert sparse_kb < dense_kb / 2  # the sparse gradient is less than half the dense one
