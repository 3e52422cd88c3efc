"""A paged KV cache, written from scratch: a pool of fixed-size blocks and one block table per
request (the data layout of vLLM's PagedAttention).

1. Requests of different lengths grow token by token, taking blocks from a shuffled free list,
   so their blocks are scattered in the pool; a finished request returns its blocks, which a
   new request reuses. Gathering a request's blocks through its table must give exactly the
   contiguous K/V of that request.
2. Attention computed block by block straight from the pool, with an online softmax (as the
   FlashAttention-style paged kernels do, never building a contiguous copy), must equal
   F.scaled_dot_product_attention over the contiguous K/V (float64).
3. The pool stays consistent: every block is either free or in exactly one block table.
"""

import torch
from torch.nn import functional as F

torch.manual_seed(0)
BLOCK, NUM_BLOCKS, H, H_KV, D = 16, 64, 8, 2, 32  # 16 tokens per block, like vLLM's default
k_pool = torch.zeros(NUM_BLOCKS, BLOCK, H_KV, D, dtype=torch.float64)
v_pool = torch.zeros_like(k_pool)
free = torch.randperm(NUM_BLOCKS).tolist()  # shuffled: blocks are not handed out in order
tables, lengths, contiguous = {}, {}, {}  # per request: block table, tokens, reference K/V


def append(req, k, v):
    """Write one token's K/V (H_KV, D) into the request's last block; take a new block first
    when the last one is full (or the request has none)."""
    n = lengths.get(req, 0)
    if n % BLOCK == 0:
        tables.setdefault(req, []).append(free.pop())
    block = tables[req][n // BLOCK]
    k_pool[block, n % BLOCK], v_pool[block, n % BLOCK] = k, v
    lengths[req] = n + 1
    ref_k, ref_v = contiguous.get(req, (k[None][:0], v[None][:0]))
    contiguous[req] = (torch.cat([ref_k, k[None]]), torch.cat([ref_v, v[None]]))


def release(req):
    free.extend(tables.pop(req))
    del lengths[req], contiguous[req]


def gather(req):
    """Logical view: the request's blocks in table order, trimmed to its length."""
    idx, n = torch.tensor(tables[req]), lengths[req]
    return k_pool[idx].flatten(0, 1)[:n], v_pool[idx].flatten(0, 1)[:n]


def paged_attention(q, req):
    """q: (H, D), one decoding query. Walk the block table; keep a running max, denominator and
    weighted sum per head (online softmax), so no contiguous K/V is ever materialized."""
    g, n = H // H_KV, lengths[req]
    m = torch.full((H, 1), float("-inf"), dtype=q.dtype)
    denom, acc = torch.zeros(H, 1, dtype=q.dtype), torch.zeros(H, D, dtype=q.dtype)
    for i, block in enumerate(tables[req]):
        used = min(BLOCK, n - i * BLOCK)  # the last block is partly filled
        k = k_pool[block, :used].repeat_interleave(g, dim=1)  # (used, H, D), GQA groups
        v = v_pool[block, :used].repeat_interleave(g, dim=1)
        s = torch.einsum("hd,thd->ht", q, k) / D**0.5
        m_new = torch.maximum(m, s.amax(-1, keepdim=True))
        p, rescale = (s - m_new).exp(), (m - m_new).exp()
        denom = denom * rescale + p.sum(-1, keepdim=True)
        acc = acc * rescale + torch.einsum("ht,thd->hd", p, v)
        m = m_new
    return acc / denom


# Requests grow in interleaved order, one token per step, as in a running batch. Request 1
# finishes at step 16 and returns its block to the free list, where the next request that
# needs a block finds it; request 4 arrives at step 16.
arrivals = {0: (0, 37), 1: (0, 16), 2: (0, 70), 3: (0, 5), 4: (16, 50)}  # (start, tokens)
for step in range(70):
    for req, (start, target) in arrivals.items():
        if start <= step < start + target:
            k, v = torch.randn(2, H_KV, D, dtype=torch.float64)
            append(req, k, v)
    if step == 15:
        freed = list(tables[1])
        release(1)
targets = [r for r in arrivals if r != 1]
reused_by = [r for r in targets if set(freed) & set(tables[r])]
assert reused_by and set(freed) <= {b for r in targets for b in tables[r]}, "freed block reused"

worst_attn = 0.0
for req in targets:
    k, v = gather(req)
    assert torch.equal(k, contiguous[req][0]) and torch.equal(v, contiguous[req][1])
    q = torch.randn(H, D, dtype=torch.float64)
    ref = F.scaled_dot_product_attention(
        q[None, :, None], contiguous[req][0].transpose(0, 1)[None],
        contiguous[req][1].transpose(0, 1)[None], enable_gqa=True,
    )[0, :, 0]  # fmt: skip
    worst_attn = max(worst_attn, (paged_attention(q, req) - ref).abs().max().item())
used_blocks = sum(len(t) for t in tables.values())
print(
    f"requests {', '.join(map(str, targets))}: {', '.join(str(lengths[r]) for r in targets)}"
    f" tokens; block tables: {', '.join(str(len(tables[r])) for r in targets)} blocks of {BLOCK}"
)
print(f"request 2's block table: {tables[2]} (scattered in the pool)")
print(f"blocks in use {used_blocks} of {NUM_BLOCKS}; request {reused_by[0]} reuses"
      f" block {freed[0]}, freed when request 1 finished")  # fmt: skip
print("gathered K/V through the block tables == contiguous K/V: True (torch.equal)")
print(
    f"block-by-block paged attention vs SDPA on contiguous K/V: max |diff| {worst_attn:.0e}"
    " (float64, check < 1e-12)"
)
assert worst_attn < 1e-12
# No block leaked or handed out twice after the release and the reuse:
in_tables = [b for t in tables.values() for b in t]
assert sorted(in_tables + free) == list(range(NUM_BLOCKS)), "block lost or shared"
assert all(len(tables[r]) == -(-lengths[r] // BLOCK) for r in targets)  # ceil(len / BLOCK)
print(f"pool: {len(in_tables)} blocks in tables + {len(free)} free = {NUM_BLOCKS}, none twice")
