"""Which hand-written chat phrases or word runs occur inside evaluation texts (leak checks for held-out chat).

A phrase of `min_words` words or more counts when it occurs as whole words in a text, after both
go through the chat normaliser. Single words are not checked: "sad" or "wow" in both sets is the
vocabulary of the labels, not a shared message.
"""

import json
from pathlib import Path

from .chat_phrases import PHRASES_FILE
from .normalize import normalize_chat_text


MESSAGE_KINDS = ("phrases", "contexts")


def phrases_of(chat_phrases_path=PHRASES_FILE, kinds=MESSAGE_KINDS):
    """The texts of the given kinds in a chat-phrases.json file. By default the phrases and
    situations that carry a message; leads and tails ("omg", "so much") are filler every chat has."""
    data = json.loads(Path(chat_phrases_path).read_text(encoding="utf-8"))
    return [text
            for per_kind in data["labels"].values()
            for kind in kinds
            for text in per_kind.get(kind, [])]


def shared_phrases(texts, phrases, min_words=2):
    """(text index, phrase) for each phrase of min_words+ words found, as whole words, in a text."""
    padded = [f" {normalize_chat_text(text)} " for text in texts]
    long_phrases = sorted({normalized for normalized in (normalize_chat_text(p) for p in phrases)
                           if len(normalized.split()) >= min_words})
    return [(i, phrase) for i, text in enumerate(padded)
            for phrase in long_phrases if f" {phrase} " in text]


def word_sequences(text, n):
    words = normalize_chat_text(text).split()
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def shared_word_sequences(texts, others, n=4):
    """(text index, sequence) for each run of n words, after the chat normaliser, that a text shares
    with any of `others`: a leak check between two sets of whole messages."""
    seen = set().union(*(word_sequences(other, n) for other in others))
    return [(i, sequence) for i, text in enumerate(texts) for sequence in sorted(word_sequences(text, n) & seen)]
