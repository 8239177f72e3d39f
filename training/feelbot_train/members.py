"""Trains the ensemble's members, side by side in forked processes when jobs > 1.

Each member runs on one torch thread and depends only on its seed, its architecture and the data,
so --jobs changes the wall time, never the weights. (Small GRU batches gain little from a second
thread; a second member in parallel gains almost 2x.)
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import torch

from .labels import LABELS
from .model import EmotionClassifier
from .trainer import train_member
from .word_vectors import apply_seed_rows


@dataclass
class MemberPlan:
    """Everything a member's training needs; read by forked children, never pickled."""
    train_ids: list
    labels: list
    weights: list
    select: object
    vocab_size: int
    args: object
    log: object
    soft_targets: dict = None
    # (row ids, rows) from pretrained word vectors (word_vectors.seed_rows), or None.
    seeded_rows: tuple = None


MEMBER_THREADS = 1
# Set just before the pool forks; children inherit it, so the data is not copied through pipes.
_PLAN = None


def _new_model(plan, arch):
    return EmotionClassifier(plan.vocab_size, len(LABELS), arch=arch, embed_dim=plan.args.embed_dim,
                             hidden=plan.args.hidden)


def _train_one(index, arch):
    plan = _PLAN
    torch.set_num_threads(MEMBER_THREADS)
    seed = plan.args.seed + index
    torch.manual_seed(seed)
    model = _new_model(plan, arch)
    apply_seed_rows(model.embed, plan.seeded_rows)
    plan.log(f"member {index}: {arch}, seed {seed}, {MEMBER_THREADS} thread(s)")
    tagged = lambda message: plan.log(f"member {index}: {message}")  # noqa: E731
    score, info = train_member(model, plan.train_ids, plan.labels, plan.weights, plan.select, plan.args.epochs,
                               plan.args.lr, plan.args.batch_size, seed, tagged, ema_decay=plan.args.ema_decay,
                               label_smoothing=plan.args.label_smoothing, token_dropout=plan.args.token_dropout,
                               adversarial=plan.args.adversarial, soft_targets=plan.soft_targets)
    return model.state_dict(), {"arch": arch, "seed": seed, "selection_score": round(score, 4), **info}


def train_members(plan, architectures, jobs):
    """Returns (models, infos) in member order; jobs 0 means one process per member."""
    global _PLAN
    _PLAN = plan
    jobs = jobs or len(architectures)
    if jobs <= 1:
        results = [_train_one(i, arch) for i, arch in enumerate(architectures)]
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_train_one, i, arch) for i, arch in enumerate(architectures)]
            results = [f.result() for f in futures]
    models, infos = [], []
    for state, info in results:
        model = _new_model(plan, info["arch"])
        model.load_state_dict(state)
        models.append(model.eval())
        infos.append(info)
    return models, infos
