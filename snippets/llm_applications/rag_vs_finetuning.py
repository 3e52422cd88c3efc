"""RAG, fine-tuning or long context: cost, prefill latency and KV cache from stated assumptions.

Model: Llama 3.1 8B (config.json: 32 layers, hidden 4096, 32 query / 8 KV heads, head_dim 128,
vocabulary 128256, 8.03B parameters, max_position_embeddings 131072). Prices, GPU efficiency
and workload are ILLUSTRATIVE assumptions typed in below, not any provider's price list: change
them and rerun. The snippet derives each crossover point in closed form and asserts it
against the costs evaluated on both sides of it.
"""

# ---- model (published config) -------------------------------------------------------------
LAYERS, HIDDEN, HEADS, KV_HEADS, HEAD_DIM, VOCAB = 32, 4096, 32, 8, 128, 128256
PARAMS = 8.03e9
MATMUL_PARAMS = PARAMS - VOCAB * HIDDEN  # the input embedding is a lookup, not a matmul
MAX_CONTEXT = 131072  # Llama 3.1 8B max_position_embeddings

# ---- illustrative assumptions (labeled; not measured) -----------------------------------------
PRICE_IN, PRICE_CACHED, PRICE_OUT = 0.20, 0.02, 0.60  # $ per 1M tokens (cached = 10% of input)
GPU_FLOPS, MFU, GPU_HOUR = 989e12, 0.40, 3.00  # H100 SXM bf16 dense peak, 40% utilization, $/h
QUESTION, ANSWER = 300, 300  # tokens of system prompt + question, and of the answer
CHUNK, TOP_K = 400, 5  # RAG: 5 retrieved chunks of 400 tokens
KB = 100_000  # knowledge base: 100K tokens (fits in the 128K window)
PARAPHRASES, EPOCHS = 10, 2  # fine-tuning on facts needs many rewrites of each fact


def prefill_flops(new: int, past: int = 0) -> float:
    """Matmuls: 2·N per new token. Causal attention (QKᵀ and PV) of `new` tokens over
    `past` cached ones plus themselves: 2·L·H·d_h·(new² + 2·new·past)."""
    attention = 2 * LAYERS * HEADS * HEAD_DIM * (new * new + 2 * new * past)
    return 2 * MATMUL_PARAMS * new + attention


def prefill_ms(new: int, past: int = 0) -> float:
    return prefill_flops(new, past) / (GPU_FLOPS * MFU) * 1e3


def kv_mib(t: int) -> float:
    return 2 * LAYERS * KV_HEADS * HEAD_DIM * 2 * t / 2**20  # K and V, bf16


def dollars(inp: int, cached: int = 0) -> float:
    return (inp * PRICE_IN + cached * PRICE_CACHED + ANSWER * PRICE_OUT) / 1e6


rag_in, lc_in = QUESTION + TOP_K * CHUNK, KB + QUESTION
assert lc_in <= MAX_CONTEXT  # long context is an option only if the whole KB fits
options = {  # name: (prompt tokens, $ per query, prefill ms)
    "RAG (top-5 chunks)": (rag_in, dollars(rag_in), prefill_ms(rag_in)),
    "fine-tuned, no context": (QUESTION, dollars(QUESTION), prefill_ms(QUESTION)),
    "long context, whole KB": (lc_in, dollars(lc_in), prefill_ms(lc_in)),
    "long context, KB cached": (lc_in, dollars(QUESTION, cached=KB), prefill_ms(QUESTION, KB)),
}
print("Llama 3.1 8B; prices and GPU efficiency are illustrative assumptions")
print(f"{'option':24s} {'prompt':>7s} {'$/1k queries':>12s} {'prefill ms':>10s} {'KV MiB':>7s}")
for name, (tokens, cost, ms) in options.items():
    print(f"{name:24s} {tokens:7d} {cost * 1e3:12.3f} {ms:10.1f} {kv_mib(tokens):7.0f}")

# Crossover 1: attention FLOPs overtake the matmul FLOPs at t* = N_matmul / (L·H·d_h).
t_star = MATMUL_PARAMS / (LAYERS * HEADS * HEAD_DIM)
for t, attention_wins in ((int(t_star) - 1, False), (int(t_star) + 1, True)):
    assert (prefill_flops(t) > 4 * MATMUL_PARAMS * t) == attention_wins
ratio_time, ratio_tokens = prefill_ms(lc_in) / prefill_ms(rag_in), lc_in / rag_in
assert ratio_time > 2 * ratio_tokens  # superlinear: the t² term
print(f"attention outweighs the matmuls beyond {t_star:,.0f} tokens; the 100K prompt has "
      f"{ratio_tokens:.0f}x RAG's tokens and takes {ratio_time:.0f}x its prefill")  # fmt: skip

# Crossover 2: largest knowledge base for which putting all of it in the prompt costs no
# more per query than RAG (with and without a cached prefix).
for price, label in ((PRICE_IN, "uncached"), (PRICE_CACHED, "cached")):
    kb_max = TOP_K * CHUNK * PRICE_IN / price
    cost_lc = lambda kb, p=price: dollars(QUESTION) + kb * p / 1e6  # noqa: E731
    assert cost_lc(0.99 * kb_max) < dollars(rag_in) < cost_lc(1.01 * kb_max)
    print(f"long context ({label}) costs less than RAG only while the KB is < {kb_max:,.0f} tokens")

# Crossover 3: fine-tuning pays a training run per knowledge update and saves the retrieved
# tokens on every query. Break-even: training $ / $ saved per query. Assumptions: training is
# self-hosted (GPU compute only) while queries pay API token prices, and the tuned model is
# served at the base model's price per token (hosted fine-tuned models often cost more).
train_tokens = KB * PARAPHRASES * EPOCHS
train_s = 6 * PARAMS * train_tokens / (GPU_FLOPS * MFU)
train_dollars = train_s / 3600 * GPU_HOUR
q_star = train_dollars / (dollars(rag_in) - dollars(QUESTION))
for q, ft_cheaper in ((0.9 * q_star, False), (1.1 * q_star, True)):
    assert (train_dollars + q * dollars(QUESTION) < q * dollars(rag_in)) == ft_cheaper
print(f"fine-tuning on the KB (self-hosted GPU): {train_tokens / 1e6:.0f}M tokens, "
      f"{train_s / 60:.0f} GPU-min, ${train_dollars:.2f}; cheaper than RAG after "
      f"{q_star:,.0f} queries per update,")  # fmt: skip
print("  if the tuned model is served at the base model's price per token")
