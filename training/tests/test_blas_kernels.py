"""Checks of the kernel pinning that lets a retrain reproduce the shipped weights.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feelbot_train.blas_kernels import cpu_flags, pin_kernels  # noqa: E402

AVX512 = frozenset("fpu sse2 avx fma avx2 avx512f avx512cd avx512bw avx512dq avx512vl".split())
AVX2_ONLY = frozenset("fpu sse2 avx fma avx2".split())


class PinKernelsTest(unittest.TestCase):
    def test_an_avx512_cpu_gets_the_shipped_kernels_over_the_machines_setting(self):
        environ = {"OPENBLAS_CORETYPE": "Haswell"}
        line = pin_kernels(environ, AVX512)
        self.assertEqual(environ, {"OPENBLAS_CORETYPE": "SkylakeX", "ATEN_CPU_CAPABILITY": "avx2"})
        self.assertIn("replacing OPENBLAS_CORETYPE=Haswell", line)
        self.assertTrue(line.endswith("the shipped model's kernels"), line)

    def test_a_cpu_without_avx512_keeps_its_blas_kernels_and_is_told_the_weights_will_differ(self):
        environ = {}
        line = pin_kernels(environ, AVX2_ONLY)
        self.assertEqual(environ, {"ATEN_CPU_CAPABILITY": "avx2"})
        self.assertIn("OpenBLAS chosen by OpenBLAS", line)
        self.assertIn("expect other weights", line)

    def test_feelbot_kernels_machine_leaves_the_environment_alone(self):
        environ = {"FEELBOT_KERNELS": "machine", "OPENBLAS_CORETYPE": "Zen"}
        line = pin_kernels(environ, AVX512)
        self.assertEqual(environ, {"FEELBOT_KERNELS": "machine", "OPENBLAS_CORETYPE": "Zen"})
        self.assertIn("OpenBLAS Zen, torch chosen by torch", line)
        self.assertIn("expect other weights", line)

    def test_cpu_flags_reads_the_first_flags_line_and_survives_a_missing_file(self):
        with tempfile.NamedTemporaryFile("w", suffix="cpuinfo", delete=False) as cpuinfo:
            cpuinfo.write("processor\t: 0\nflags\t\t: fpu avx2 avx512f\n\nprocessor\t: 1\nflags\t\t: fpu\n")
        self.assertEqual(cpu_flags(cpuinfo.name), frozenset({"fpu", "avx2", "avx512f"}))
        Path(cpuinfo.name).unlink()
        self.assertEqual(cpu_flags(cpuinfo.name), frozenset())


if __name__ == "__main__":
    unittest.main()
