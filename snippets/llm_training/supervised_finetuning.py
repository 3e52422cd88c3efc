"""SFT data by hand: a chat template, labels that supervise only the assistant, the masked loss.

1. A BPE tokenizer is trained in memory (`tokenizers`) and wrapped in PreTrainedTokenizerFast
   with a ChatML-style Jinja chat template; `apply_chat_template` renders a two-turn chat.
2. Labels by hand: -100 everywhere except the assistant's tokens (and its end-of-turn token),
   found by rendering the conversation up to each assistant turn. Checked against the mask that
   `apply_chat_template(..., return_assistant_tokens_mask=True)` derives from the template's
   {% generation %} markers.
3. A tiny LlamaForCausalLM (random weights, built from a config): the loss it returns for
   `labels` equals cross-entropy computed by hand (shift by one, ignore -100, mean over the
   supervised tokens of the whole batch).
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

import torch
import torch.nn.functional as F
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

torch.manual_seed(0)
PAD, UNK, START, END = "<pad>", "<unk>", "<|im_start|>", "<|im_end|>"
SPECIAL = [PAD, UNK, START, END]
corpus = [
    "system user assistant you are a helpful assistant",
    "what is the capital of france ? the capital of france is paris .",
    "and of italy ? it is rome . translate cat to french : chat .",
] * 5
bpe = Tokenizer(models.BPE(unk_token=UNK))
bpe.pre_tokenizer = pre_tokenizers.Whitespace()
bpe.train_from_iterator(
    corpus, trainers.BpeTrainer(vocab_size=120, special_tokens=SPECIAL, show_progress=False)
)

CHAT_TEMPLATE = (  # ChatML layout, as Qwen uses; {{ "\\n" }} keeps newlines explicit
    "{% for m in messages %}<|im_start|>{{ m['role'] + '\\n' }}"
    "{% if m['role'] == 'assistant' %}"
    "{% generation %}{{ m['content'] }}<|im_end|>{% endgeneration %}"
    "{% else %}{{ m['content'] }}<|im_end|>{% endif %}{{ '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>{{ 'assistant\\n' }}{% endif %}"
)
tok = PreTrainedTokenizerFast(tokenizer_object=bpe, pad_token=PAD, unk_token=UNK, eos_token=END)
tok.chat_template = CHAT_TEMPLATE

chats = [
    [
        {"role": "system", "content": "you are a helpful assistant"},
        {"role": "user", "content": "what is the capital of france ?"},
        {"role": "assistant", "content": "the capital of france is paris ."},
        {"role": "user", "content": "and of italy ?"},
        {"role": "assistant", "content": "it is rome ."},
    ],
    [
        {"role": "user", "content": "translate cat to french :"},
        {"role": "assistant", "content": "chat ."},
    ],
]
print(tok.apply_chat_template(chats[1], tokenize=False), end="")


def labels_by_hand(chat: list[dict]) -> tuple[list[int], list[int]]:
    """Render the chat; supervise the tokens each assistant turn adds (content + <|im_end|>)."""
    ids = tok.apply_chat_template(chat, tokenize=True, return_dict=True)["input_ids"]
    labels = [-100] * len(ids)
    for i, m in enumerate(chat):
        if m["role"] != "assistant":
            continue
        prompt = tok.apply_chat_template(chat[:i], add_generation_prompt=True, return_dict=True)
        upto = tok.apply_chat_template(chat[: i + 1], return_dict=True)
        start, end = len(prompt["input_ids"]), len(upto["input_ids"])
        assert upto["input_ids"][:start] == prompt["input_ids"], "the prompt must be a prefix"
        labels[start:end] = ids[start:end]
    return ids, labels


rows = []
for chat in chats:
    ids, labels = labels_by_hand(chat)
    ref = tok.apply_chat_template(chat, return_dict=True, return_assistant_tokens_mask=True)
    from_template = [
        t if m else -100 for t, m in zip(ref["input_ids"], ref["assistant_masks"], strict=True)
    ]
    assert ref["input_ids"] == ids and from_template == labels, "same labels as the template mask"
    rows.append((ids, labels))
    shown = [tok.convert_ids_to_tokens(t) if t != -100 else "." for t in labels]
    print(f"{len(ids)} tokens, {sum(t != -100 for t in labels)} supervised:", " ".join(shown))
print("hand-made labels == return_assistant_tokens_mask for both chats")

# Right-pad into a batch: padding gets attention_mask 0 and label -100.
T = max(len(ids) for ids, _ in rows)
input_ids = torch.tensor([ids + [tok.pad_token_id] * (T - len(ids)) for ids, _ in rows])
labels = torch.tensor([lab + [-100] * (T - len(lab)) for _, lab in rows])
attention_mask = (torch.arange(T) < torch.tensor([len(i) for i, _ in rows])[:, None]).long()

config = LlamaConfig(
    vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2, pad_token_id=tok.pad_token_id,
)  # fmt: skip
model = LlamaForCausalLM(config).eval()
with torch.no_grad():
    out = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)

# By hand: position t predicts token t+1; only labels != -100 count; one mean over the batch.
logits, targets = out.logits[:, :-1], labels[:, 1:]
nll = F.cross_entropy(logits.transpose(1, 2), targets, ignore_index=-100, reduction="none")
keep = targets != -100
manual = nll[keep].mean()
diff = (out.loss - manual).abs().item()
print(f"model(labels=...).loss = {out.loss:.4f}, by hand = {manual:.4f}, |diff| < 1e-6")
assert diff < 1e-6  # float32: the model's loss upcasts logits to float32

real = attention_mask[:, 1:] == 1  # every non-padding target
all_tokens = F.cross_entropy(logits[real], input_ids[:, 1:][real])
per_chat = torch.stack([nll[b][keep[b]].mean() for b in range(len(rows))]).mean()
print(f"loss on every token (prompt too) = {all_tokens:.4f}: a different objective")
print(f"mean of per-chat means = {per_chat:.4f}: differs from the token-level mean above")
assert abs(all_tokens - manual) > 1e-3 and abs(per_chat - manual) > 1e-3
