"""Mini-batch training of one member, keeping the epoch that scores best on the selection sets."""

import copy
import random
import time

import numpy as np
import torch

from .ema import WeightAverage
from .regularize import adversarial_loss, drop_tokens
from .wordpiece import PAD_ID


def pad_batch(sequences):
    length = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), length), PAD_ID, dtype=torch.long)
    mask = torch.zeros((len(sequences), length), dtype=torch.long)
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
    return ids, mask


@torch.no_grad()
def predict_logits(model, sequences, batch_size=512):
    model.eval()
    # Sorting by length keeps padding (and time) low; the order is restored afterwards.
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    out = np.zeros((len(sequences), model.head.out_features), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        chunk = order[start: start + batch_size]
        ids, mask = pad_batch([sequences[i] for i in chunk])
        out[chunk] = model(ids, mask).numpy()
    return out


# Batches are cut from pools of this many batches sorted by length, so little time goes on padding.
BUCKET_POOL_BATCHES = 50


def length_bucketed_batches(sequences, batch_size, rng):
    order = list(range(len(sequences)))
    rng.shuffle(order)
    pool = batch_size * BUCKET_POOL_BATCHES
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start: start + pool], key=lambda i: len(sequences[i]))
        batches += [chunk[i: i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def training_targets(labels, soft_targets, classes):
    """Label ids, or with soft targets ({row: vector}) one probability row per example."""
    if not soft_targets:
        return torch.tensor(labels)
    targets = torch.nn.functional.one_hot(torch.tensor(labels), classes).float()
    for row, target in soft_targets.items():
        targets[row] = torch.as_tensor(target)
    return targets


def train_member(model, sequences, labels, weights, select, epochs, lr, batch_size, seed, log, ema_decay=0.0,
                 label_smoothing=0.0, token_dropout=0.0, adversarial=0.0, soft_targets=None):
    """`select(model)` returns (score, info) on the selection sets; the best epoch's weights are kept.

    With `ema_decay` > 0 the epochs are judged (and kept) on the weights' moving average instead.
    `soft_targets` ({row: probability vector}) replaces those rows' one-hot labels.
    """
    random.seed(seed)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs * len(length_bucketed_batches(sequences, batch_size, random.Random(0)))
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps, pct_start=0.1)
    labels_t = training_targets(labels, soft_targets, model.head.out_features)
    weights_t = torch.tensor(weights, dtype=torch.float32)
    average = WeightAverage(model, ema_decay) if ema_decay > 0 else None
    best = (-1.0, None, None)
    for epoch in range(epochs):
        started = time.time()
        model.train()
        total = 0.0
        for chunk in length_bucketed_batches(sequences, batch_size, rng):
            ids, mask = pad_batch([sequences[i] for i in chunk])
            ids = drop_tokens(ids, mask, token_dropout, generator)

            def loss_of(logits, chunk=chunk):
                each = torch.nn.functional.cross_entropy(logits, labels_t[chunk], reduction="none",
                                                         label_smoothing=label_smoothing)
                return (each * weights_t[chunk]).sum() / weights_t[chunk].sum()

            embedded = model.embed(ids)
            loss = loss_of(model.classify_embedded(embedded, mask))
            if adversarial > 0:
                loss = loss + adversarial_loss(model, embedded, mask, loss, loss_of, adversarial)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            if average:
                average.update(model)
            total += loss.item() * len(chunk)
        judged = average.model if average else model
        score, info = select(judged)
        log(f"epoch {epoch + 1}/{epochs} loss {total / len(sequences):.4f} select {score:.4f} {info} "
            f"({time.time() - started:.0f}s)")
        if score > best[0]:
            best = (score, copy.deepcopy(judged.state_dict()), info)
    model.load_state_dict(best[1])
    return best[0], best[2]
