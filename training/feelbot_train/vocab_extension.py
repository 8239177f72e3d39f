"""Words never seen in training, read through each member's own map of their pretrained vectors.

A member's embedding rows start from GloVe (word_vectors.py) and move in training, but stay close to
a linear function of where they started (R² ≈ 0.94 on the 10,972 seeded rows). So a word training
never saw gets the row the member would have given it: its GloVe vector through the member's least
squares map from seeded start to trained row. The extra words are the most frequent GloVe words
outside the vocabulary, stored once for all members as int8 rows with a per-row scale; each member
adds only its map (d × d + d). Without this an unseen word ("jubilant") is spelled in pieces.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .quantize import quantize_rows
from .word_vectors import WordVectorsError, spread, whole_word_rows


@dataclass
class Extension:
    words: list
    rows_int8: np.ndarray  # [words, dim]
    row_scale: np.ndarray  # [words], float32

    def rows(self):
        """The rows as every reader sees them: int8 times the row's scale, in fp32."""
        return self.rows_int8.astype(np.float32) * self.row_scale[:, None]


def extension_words(vectors, vocab, count):
    """The first `count` words of the vectors (corpus frequency order) that are lower-case ASCII
    letters only, as the chat normaliser's words are, and not already in the vocabulary."""
    present = set(vocab)
    chosen = [w for w in vectors if w.isascii() and w.isalpha() and w.islower() and w not in present]
    return chosen[:count]


def build_extension(vectors, vocab, count):
    """The extra words and their GloVe rows, scaled as the seeded rows were (seed_rows)."""
    words = extension_words(vectors, vocab, count)
    if not words:
        raise WordVectorsError("WORD_VECTORS_EMPTY", "the vectors hold no word outside the vocabulary")
    scale = spread(whole_word_rows(vocab, vectors)[1])
    q, row_scale = quantize_rows(np.stack([vectors[w] for w in words]) / scale)
    return Extension(words, q, row_scale)


def fit_map(start_rows, trained_rows):
    """Least squares (weight [d, d], bias [d], R²) with trained ≈ start @ weight + bias."""
    x = np.hstack([start_rows, np.ones((len(start_rows), 1), np.float32)]).astype(np.float64)
    y = np.asarray(trained_rows, np.float64)
    solution = np.linalg.lstsq(x, y, rcond=None)[0]
    residual = ((y - x @ solution) ** 2).sum()
    r2 = 1.0 - residual / ((y - y.mean(axis=0)) ** 2).sum()
    return solution[:-1].astype(np.float32), solution[-1].astype(np.float32), float(r2)


class ExtendedEmbedding(nn.Module):
    """ids below `base.num_embeddings` read the member's table; the rest read extra @ weight + bias."""

    def __init__(self, base, extra_rows, weight, bias):
        super().__init__()
        self.base = base
        self.register_buffer("extra", torch.as_tensor(extra_rows))
        self.register_buffer("map_weight", torch.as_tensor(weight))
        self.register_buffer("map_bias", torch.as_tensor(bias))

    @property
    def weight(self):
        return self.base.weight

    def forward(self, ids):
        size = self.base.num_embeddings
        is_extra = (ids >= size).unsqueeze(-1)
        base = self.base(ids.clamp(max=size - 1))
        mapped = self.extra[(ids - size).clamp(min=0)] @ self.map_weight + self.map_bias
        return torch.where(is_extra, mapped, base)


def extend_members(members, seeded, extension):
    """Gives each trained member an ExtendedEmbedding; returns each map's R² on the seeded rows."""
    ids, start_rows = seeded
    extra = torch.from_numpy(extension.rows())
    fits = []
    for member in members:
        weight, bias, r2 = fit_map(start_rows.numpy(), member.embed.weight[ids].detach().numpy())
        member.embed = ExtendedEmbedding(member.embed, extra, weight, bias)
        fits.append(round(r2, 4))
    return fits
