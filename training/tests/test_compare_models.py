"""The comparison table of compare_models.py: one row per measure, differences signed, counts as integers."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compare_models import MEASURES, markdown_table  # noqa: E402


def numbers(offset):
    return {key: (10 + offset if decimals == 0 else 0.5 + offset / 100) for key, _, decimals in MEASURES}


class MarkdownTableTest(unittest.TestCase):
    def test_one_row_per_measure_with_baseline_candidate_and_signed_difference(self):
        lines = markdown_table(numbers(0), numbers(3)).splitlines()
        self.assertEqual(lines[0], "| measure | baseline | candidate | difference |")
        self.assertEqual(len(lines), 2 + len(MEASURES))
        rows = dict(zip([label for _, label, _ in MEASURES], lines[2:]))
        self.assertEqual(rows["dair-ai validation errors on other rows"],
                         "| dair-ai validation errors on other rows | 10 | 13 | +3 |")
        self.assertEqual(rows["GoEmotions dev six-label macro-F1"],
                         "| GoEmotions dev six-label macro-F1 | 0.5000 | 0.5300 | +0.0300 |")

    def test_a_loss_is_shown_negative(self):
        row = markdown_table(numbers(2), numbers(0)).splitlines()[2]
        self.assertTrue(row.endswith("| -0.0200 |"), row)

    def test_a_missing_measure_is_an_error_not_a_blank(self):
        incomplete = numbers(0)
        del incomplete["dailydialog_six"]
        with self.assertRaises(KeyError):
            markdown_table(incomplete, numbers(0))


if __name__ == "__main__":
    unittest.main()
