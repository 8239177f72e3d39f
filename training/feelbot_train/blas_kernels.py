"""Pin the CPU kernels torch trains with, so that a retrain gives the same weights on any machine.

Debian's torch multiplies matrices with OpenBLAS, which picks its kernels from the CPU it finds: Haswell
kernels on an AMD EPYC, SkylakeX kernels on an Intel Xeon with AVX-512. The kernels add in different
orders, and ten epochs of GRU training carry those rounding differences into different weights (a
retrain of the shipped command on AMD EPYC machines scored 0.30 to 0.45 point under the shipped model on
dair-ai validation). The shipped model was trained with OpenBLAS's SkylakeX kernels and torch's AVX2
kernels; with both pinned, its members come back exactly on an AMD EPYC with AVX-512.

Nothing here imports torch: the variables only count when set before torch loads its libraries.
"""

import os

# The OpenBLAS kernels that trained models/emotion, and the CPU features they execute.
SHIPPED_CORETYPE = "SkylakeX"
SKYLAKEX_FLAGS = frozenset({"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"})
# torch's own vectorised kernels (ATen); Debian's torch 1.13 picks AVX2 even where AVX-512 exists.
SHIPPED_ATEN_CAPABILITY = "avx2"
ATEN_FLAGS = frozenset({"avx2", "fma"})


def cpu_flags(cpuinfo_path="/proc/cpuinfo"):
    """The feature flags of the first CPU listed, or an empty set where the file has none."""
    try:
        with open(cpuinfo_path, encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def pin_kernels(environ=None, flags=None):
    """Set OPENBLAS_CORETYPE and ATEN_CPU_CAPABILITY to the shipped model's kernels where the CPU runs them.

    They replace what the environment had (machines of this kind set OPENBLAS_CORETYPE=Haswell);
    FEELBOT_KERNELS=machine leaves the environment alone. Returns one line saying what was chosen and
    whether a retrain of the shipped command can reproduce the shipped weights here.
    """
    environ = os.environ if environ is None else environ
    flags = cpu_flags() if flags is None else flags
    replaced = []
    if environ.get("FEELBOT_KERNELS") != "machine":
        for name, value, needs in (("OPENBLAS_CORETYPE", SHIPPED_CORETYPE, SKYLAKEX_FLAGS),
                                   ("ATEN_CPU_CAPABILITY", SHIPPED_ATEN_CAPABILITY, ATEN_FLAGS)):
            if needs <= flags and environ.get(name) != value:
                if name in environ:
                    replaced.append(f"{name}={environ[name]}")
                environ[name] = value
    blas = environ.get("OPENBLAS_CORETYPE", "chosen by OpenBLAS")
    aten = environ.get("ATEN_CPU_CAPABILITY", "chosen by torch")
    same = blas == SHIPPED_CORETYPE and aten == SHIPPED_ATEN_CAPABILITY
    verdict = ("the shipped model's kernels" if same else
               "not the shipped model's kernels (SkylakeX needs AVX-512): expect other weights, "
               "and dair-ai validation within about half a point of the shipped model's")
    note = f" (replacing {', '.join(replaced)})" if replaced else ""
    return f"CPU kernels: OpenBLAS {blas}, torch {aten}{note}; {verdict}"
