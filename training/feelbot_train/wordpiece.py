"""A WordPiece vocabulary built from the training text, and an encoder identical to tokenizers.js'.

Whole words cover what the data has seen; word-final "##" pieces and single characters spell out
unseen words (typos, slang), so the model still gets their stem and suffix.
"""

import json
from collections import Counter
from pathlib import Path

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD_ID, UNK_ID, CLS_ID, SEP_ID = 0, 1, 2, 3
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
# tokenizers' WordPiece default: longer words become [UNK].
MAX_CHARS_PER_WORD = 100
# dair-ai sentences average ~20 words and reach 66 (about 90 pieces): 128 reads every one whole,
# and the app reads longer chat in word windows sized from it (src/domain/split-for-classifier.ts).
MAX_LENGTH = 128
SUFFIX_LENGTHS = range(2, 6)


def build_vocab(texts, max_words, min_count, num_suffixes):
    words = Counter(word for text in texts for word in text.split())
    suffixes = Counter()
    for word, count in words.items():
        for n in SUFFIX_LENGTHS:
            if len(word) > n + 1:
                suffixes[word[-n:]] += count
    vocab = SPECIAL_TOKENS + list(ALPHABET) + ["##" + ch for ch in ALPHABET]
    vocab += ["##" + suffix for suffix, _ in suffixes.most_common(num_suffixes)]
    seen = set(vocab)
    # Sorting by (-count, word) keeps the vocabulary identical across runs.
    for word, count in sorted(words.items(), key=lambda item: (-item[1], item[0])):
        if len(seen) >= max_words or count < min_count:
            break
        if word not in seen:
            vocab.append(word)
            seen.add(word)
    return vocab


class WordPieceEncoder:
    def __init__(self, vocab):
        self.vocab = list(vocab)
        self.ids = {token: i for i, token in enumerate(self.vocab)}

    def word_pieces(self, word):
        if len(word) > MAX_CHARS_PER_WORD:
            return [UNK_ID]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    break
                end -= 1
            if end == start:
                return [UNK_ID]
            pieces.append(self.ids[piece])
            start = end
        return pieces

    def encode(self, text):
        """[CLS] pieces [SEP], cut to MAX_LENGTH; text must already be normalised."""
        ids = [piece for word in text.split() for piece in self.word_pieces(word)]
        return [CLS_ID] + ids[: MAX_LENGTH - 2] + [SEP_ID]


def write_tokenizer_files(vocab, out_dir):
    out_dir = Path(out_dir)
    special = [
        {"id": i, "content": token, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i, token in enumerate(SPECIAL_TOKENS)
    ]
    tokenizer = {
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": MAX_LENGTH, "strategy": "LongestFirst", "stride": 0},
        "padding": None,
        "added_tokens": special,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                token: {"id": token, "ids": [SPECIAL_TOKENS.index(token)], "tokens": [token]}
                for token in ("[CLS]", "[SEP]")
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": MAX_CHARS_PER_WORD,
                  "vocab": {token: i for i, token in enumerate(vocab)}},
    }
    (out_dir / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    config = {
        "tokenizer_class": "BertTokenizer", "model_max_length": MAX_LENGTH, "do_lower_case": True,
        "clean_up_tokenization_spaces": True, "cls_token": "[CLS]", "sep_token": "[SEP]",
        "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]",
    }
    (out_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
