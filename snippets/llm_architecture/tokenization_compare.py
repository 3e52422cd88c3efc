"""BPE, byte-level BPE, WordPiece and Unigram trained on the same text, side by side.

All four are trained offline with the `tokenizers` library on the same small
English + Chinese corpus, then tokenize the same two sentences and a character that never
occurs in the corpus (鲲). Each gets the same merge budget: 120 entries, plus the 256 byte
symbols for byte-level BPE and, for WordPiece, one ##character for every character that
occurs inside a word (counted below); on a corpus this small the Unigram trainer keeps
fewer pieces than asked. Every tokenizer must decode its tokens back to the input text,
except where it had to emit [UNK].

WordPieceTrainer in tokenizers 0.23 numbers the ## tokens in hash-map order, which
changes from process to process, so its learned vocabulary is not reproducible: for
WordPiece only properties that hold for every run are printed and asserted.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # guard: nothing below may download

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

corpus = [
    "the lowest tower is lower than the newest tower",
    "newer towers are wider and lower than older towers",
    "tokenizers split words into subword units",
    "我们喜欢机器学习，机器学习需要大量数据",
    "大模型需要大量数据，我们学习大模型",
    "机器学习模型和大模型都需要数据和算力",
    "分词器把文本切成子词，子词再变成编号",
] * 5
VOCAB = 120
UNK = "[UNK]"
# WordPiece's extra base alphabet: ##c for every character c that follows another in a word
words = [w for t in corpus for w, _ in pre_tokenizers.Whitespace().pre_tokenize_str(t)]
N_CHARS = len({c for w in words for c in w})
N_CONTINUED = len({c for w in words for c in w[1:]})


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's table: each of the 256 byte values is shown as one printable character."""
    bs = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    bs += range(ord("®"), ord("ÿ") + 1)
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs), strict=True))


BYTE_OF = {ch: b for b, ch in bytes_to_unicode().items()}
assert set(BYTE_OF) == set(pre_tokenizers.ByteLevel.alphabet())  # the library's table


def build(kind: str) -> Tokenizer:
    if kind == "BPE":  # characters as the base alphabet; unseen characters -> [UNK]
        tok = Tokenizer(models.BPE(unk_token=UNK))
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
        trainer = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=[UNK])
        tok.decoder = decoders.BPEDecoder()
    elif kind == "byte-level BPE":  # GPT-2 / Llama 3 / Qwen: bytes, so nothing is unknown
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        trainer = trainers.BpeTrainer(
            vocab_size=VOCAB + 256, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        )  # the 256 byte symbols are the base alphabet, on top of the same merge budget
        tok.decoder = decoders.ByteLevel()
    elif kind == "WordPiece":  # BERT: ## marks a piece that continues a word
        tok = Tokenizer(models.WordPiece(unk_token=UNK))
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
        # its base alphabet also holds ##c for every character c seen inside a word
        trainer = trainers.WordPieceTrainer(vocab_size=VOCAB + N_CONTINUED, special_tokens=[UNK])
        tok.decoder = decoders.WordPiece()
    else:  # Unigram, as in SentencePiece (T5, ALBERT): ▁ marks the start of a word
        tok = Tokenizer(models.Unigram())
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        trainer = trainers.UnigramTrainer(vocab_size=VOCAB, special_tokens=[UNK], unk_token=UNK)
        tok.decoder = decoders.Metaspace()
    trainer.show_progress = False
    tok.train_from_iterator(corpus, trainer)
    return tok


texts = ["the newest towers", "大模型需要机器学习", "鲲"]
print(f"alphabet {N_CHARS} characters, {N_CONTINUED} of them also occur inside a word (##c)")
for kind in ["BPE", "byte-level BPE", "WordPiece", "Unigram"]:
    tok = build(kind)
    unk_id = tok.token_to_id(UNK)
    vocab = tok.get_vocab()
    if kind == "WordPiece":
        assert sum(t.startswith("##") and len(t) == 3 for t in vocab) == N_CONTINUED
        print(f"{kind} (vocab {len(vocab)}; learned tokens differ between processes, not shown)")
    else:
        print(f"{kind} (vocab {len(vocab)})")
    for text in texts:
        enc = tok.encode(text)
        shown = " ".join(
            UNK if i == unk_id else t for t, i in zip(enc.tokens, enc.ids, strict=True)
        )
        if kind == "byte-level BPE" and text == "鲲":
            pieces = [bytes(BYTE_OF[c] for c in t) for t in enc.tokens]
            shown += f"  (UTF-8 bytes {' '.join(p.hex() for p in pieces)})"
            assert b"".join(pieces) == text.encode()  # nothing is unknown at the byte level
        if text == "鲲":  # only the byte-level tokenizer can represent an unseen character
            assert (unk_id is not None and unk_id in enc.ids) == (kind != "byte-level BPE")
        if kind == "WordPiece":  # each word: one plain piece, then ## continuations
            w = enc.word_ids
            assert all(t.startswith("##") == (i > 0 and w[i] == w[i - 1])
                       for i, t in enumerate(enc.tokens) if enc.ids[i] != unk_id)  # fmt: skip
        else:
            n = len(enc.ids)
            print(f"  {text}: {n} token{'s' if n > 1 else ''} | {shown}")
        if unk_id is not None and unk_id in enc.ids:
            continue  # information lost: this text cannot be decoded back
        decoded = tok.decode(enc.ids)
        if kind in ("BPE", "WordPiece"):  # their pre-tokenizer drops the spaces between words
            decoded, text = decoded.replace(" ", ""), text.replace(" ", "")
        assert decoded == text, (kind, decoded, text)
    if kind == "WordPiece":
        print("  all three texts: every word is a plain first piece + ##pieces; 鲲 -> [UNK]")


def greedy_longest_match(word: str, vocab: set[str]) -> list[str]:
    """WordPiece tokenization by hand: longest vocabulary entry first, ## after the start."""
    pieces, start = [], 0
    while start < len(word):
        for end in range(len(word), start, -1):
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
        else:
            return [UNK]  # one uncoverable position: the whole word becomes [UNK]
        pieces.append(piece)
        start = end
    return pieces


# A fixed (saved) WordPiece vocabulary gives the same tokens in every process.
fixed = [UNK, "大", "大模", "大模型", "##需", "##需要", "##机器", "##机器学习", "##学习"]
tok = Tokenizer(models.WordPiece({t: i for i, t in enumerate(fixed)}, unk_token=UNK))
for word in ["大模型需要机器学习", "大模型鲲"]:
    ours = greedy_longest_match(word, set(fixed))
    assert tok.encode(word).tokens == ours, (tok.encode(word).tokens, ours)
    print(f"WordPiece on a fixed vocabulary: {word} -> {' '.join(ours)}")
