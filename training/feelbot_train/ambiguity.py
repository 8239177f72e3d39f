"""dair-ai's split cue words: emotion words whose training labels divide almost evenly between two classes.

dair-ai's labels follow the emotion word in a sentence, and some words carry two labels almost
equally often ("overwhelmed": 58 surprise, 56 fear in train.txt). If nothing else in the sentence
tells them apart (`context_test`), the label of such a row is close to a coin flip, which bounds
any classifier's accuracy and macro-F1 on a split.
"""

import math
from collections import Counter, defaultdict

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

# A cue word needs this many training rows for its label split to be more than noise.
MIN_ROWS = 30
# Information about the label beyond the class priors (KL, nats): tells emotion words from "the".
MIN_LABEL_INFORMATION = 0.5
# "Split": the commonest label has under 60 % of the rows and the runner-up at least 30 %.
MAX_TOP_SHARE = 0.6
MIN_SECOND_SHARE = 0.3
CONTEXT_FOLDS = 5


def label_counts_by_word(texts, labels):
    counts = defaultdict(Counter)
    for text, label in zip(texts, labels):
        for word in set(text.split()):
            counts[word][label] += 1
    return counts


def cue_words(texts, labels, min_rows):
    """{word: Counter of training labels} for the words with `min_rows` rows or more whose labels say
    more than the class priors (KL over MIN_LABEL_INFORMATION), which leaves out "i", "feel", "the"."""
    prior = Counter(labels)
    words = {}
    for word, by_label in label_counts_by_word(texts, labels).items():
        n = sum(by_label.values())
        if n < min_rows:
            continue
        information = sum(c / n * math.log((c / n) / (prior[k] / len(labels))) for k, c in by_label.items())
        if information > MIN_LABEL_INFORMATION:
            words[word] = by_label
    return words


def split_cue_words(texts, labels):
    """{word: (label counts)} for the words whose training labels split between two classes."""
    words = {}
    for word, by_label in cue_words(texts, labels, MIN_ROWS).items():
        n = sum(by_label.values())
        shares = [c / n for _, c in by_label.most_common(2)] + [0.0]
        if shares[0] < MAX_TOP_SHARE and shares[1] >= MIN_SECOND_SHARE:
            words[word] = by_label
    return words


def two_labels(word, words):
    """The word's two commonest training labels, commonest first."""
    return [label for label, _ in words[word].most_common(2)]


def majority_label(word, words):
    return words[word].most_common(1)[0][0]


def first_split_word(text, words):
    return next((w for w in text.split() if w in words), None)


def coin_flip_word(text, label, words):
    """The row's split word when its label is one of that word's two; else None (another cue decided it)."""
    word = first_split_word(text, words)
    return word if word and label in two_labels(word, words) else None


def context_test(texts, labels, words, seed=0):
    """Can the rest of the sentence tell the two labels of a split word apart?

    On training rows holding one split word and one of its two commonest labels, a bag-of-words
    logistic regression over the other words is cross-validated against answering the word's
    majority label (counted in the training folds).
    """
    rows = []
    for text, label in zip(texts, labels):
        present = [w for w in set(text.split()) if w in words]
        if len(present) == 1 and label in two_labels(present[0], words):
            rows.append((" ".join(w for w in text.split() if w != present[0]), present[0], label))
    context = np.array([r[0] for r in rows], dtype=object)
    cue = np.array([r[1] for r in rows], dtype=object)
    gold = np.array([r[2] for r in rows])
    context_hits = majority_hits = 0
    for train_idx, test_idx in StratifiedKFold(CONTEXT_FOLDS, shuffle=True, random_state=seed).split(context, gold):
        vectorizer = CountVectorizer(ngram_range=(1, 2), min_df=2, binary=True)
        features = vectorizer.fit_transform(context[train_idx] + " cue_" + cue[train_idx])
        model = LogisticRegression(C=0.5, max_iter=2000).fit(features, gold[train_idx])
        predicted = model.predict(vectorizer.transform(context[test_idx] + " cue_" + cue[test_idx]))
        context_hits += int((predicted == gold[test_idx]).sum())
        majority = {w: Counter(gold[train_idx][cue[train_idx] == w]).most_common(1)[0][0] for w in set(cue[train_idx])}
        majority_hits += sum(majority.get(w) == g for w, g in zip(cue[test_idx], gold[test_idx]))
    return {"rows": len(rows), "context_model_accuracy": round(context_hits / len(rows), 4),
            "word_majority_accuracy": round(majority_hits / len(rows), 4)}


def cue_oracle(texts, labels, words, answers=None):
    """Right on every row except those whose label is one of its split word's two: there it answers
    `answers[word]` (label id), by default the word's training majority.

    An optimistic bound for a reader of the text, if the context test finds nothing beyond the word.
    """
    answers = answers or {w: majority_label(w, words) for w in words}
    predicted = []
    for text, label in zip(texts, labels):
        word = coin_flip_word(text, label, words)
        predicted.append(answers[word] if word else label)
    present = sorted(set(labels))
    return {"accuracy": round(float(accuracy_score(labels, predicted)), 4),
            "macro_f1": round(float(f1_score(labels, predicted, labels=present, average="macro")), 4)}


def best_assignment_bound(texts, labels, words, classes=6):
    """The most macro-F1 a one-label-per-word reader can reach on this file, choosing with its labels.

    As `cue_oracle`, except that each split word answers whichever of its two commonest training
    labels scores best, searched over all 2^k choices. No real model does better unless a sentence's
    other words tell its label, which `context_test` finds they don't.

    `answers` maps each word to its best label id; chosen on train.txt, they can feed `cue_oracle`.
    """
    labels = np.asarray(labels)
    cue = [coin_flip_word(t, label, words) for t, label in zip(texts, labels)]
    present = sorted({w for w in cue if w})
    gold = np.bincount(labels, minlength=classes).astype(float)
    base = np.bincount(labels[[c is None for c in cue]], minlength=classes).astype(float)
    options = [two_labels(w, words) for w in present]
    rows_of = [labels[[c == w for c in cue]] for w in present]
    choice = (np.arange(2 ** len(present))[:, None] >> np.arange(len(present))) & 1
    true_pos = np.tile(base, (len(choice), 1))
    predicted = true_pos.copy()
    for j, (pair, rows) in enumerate(zip(options, rows_of)):
        for bit, label in enumerate(pair):
            picked = choice[:, j] == bit
            true_pos[picked, label] += (rows == label).sum()
            predicted[picked, label] += len(rows)
    f1 = 2 * true_pos / np.maximum(predicted + gold, 1)
    macro = f1[:, gold > 0].mean(axis=1)
    best = int(macro.argmax())
    return {"macro_f1": round(float(macro[best]), 4),
            "accuracy": round(float(true_pos[best].sum() / len(labels)), 4),
            "answers": {w: int(options[j][choice[best, j]]) for j, w in enumerate(present)}}


def relabelled_repeats(texts, labels, train_texts, train_labels):
    """Rows whose exact sentence is also in train.txt, but only under other labels.

    dair-ai keeps one row per (sentence, label), so a sentence that came with two emotions appears
    once per label, sometimes in different splits. A reader that learnt train.txt answers such a row
    with the training label and is wrong by construction. Returns {row index: training labels}.
    """
    seen = defaultdict(set)
    for text, label in zip(train_texts, train_labels):
        seen[text].add(label)
    return {i: sorted(seen[text]) for i, (text, label) in enumerate(zip(texts, labels))
            if text in seen and label not in seen[text]}
