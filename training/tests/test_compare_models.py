"""The comparison table of compare_models.py: one row per measure, differences signed, counts as integers."""

import os
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


class ValidationErrorsWiringTest(unittest.TestCase):
    """compare_models reads dair-ai validation once and hands it to label_ambiguity's model_errors."""

    def test_a_reader_right_on_every_row_has_no_error_of_any_kind(self):
        import numpy as np

        from compare_models import validation_cues
        from feelbot_train.datasets import DEFAULT_DATA_DIR
        from label_ambiguity import model_errors
        if not (DEFAULT_DATA_DIR / "emotion" / "validation.txt").exists():
            # CI has the data beside the project and sets FEELBOT_REQUIRE_DATA, so there this never skips.
            if os.environ.get("FEELBOT_REQUIRE_DATA"):
                self.fail(f"FEELBOT_REQUIRE_DATA is set but {DEFAULT_DATA_DIR} holds no dair-ai")
            self.skipTest("dair-ai is not beside the project")
        texts, labels, words, repeats, cues = validation_cues()
        errors = model_errors(np.asarray(labels), texts, labels, words, repeats, cues)
        self.assertEqual(errors["errors"], 0)
        self.assertEqual(errors["errors_elsewhere"]["counts"],
                         {"self_report": 0, "answer_backed_by_its_words": 0, "unbacked": 0})
        self.assertEqual(errors["self_report_rows"], 24)


if __name__ == "__main__":
    unittest.main()
