"""`--hold-out-self-reports`: dair-ai's rows with no feel-word leave training, variants included.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feelbot_train.corpus import build_training_split  # noqa: E402
from feelbot_train.labels import LABELS as NAMES  # noqa: E402
from feelbot_train.self_reports import is_self_report, only_self_reports, without_self_reports  # noqa: E402

ROWS = [("i feel so alone tonight", 0), ("when my dog died", 0), ("i felt thrilled", 1),
        ("being followed home at night", 4), ("im feeling scared", 4)]
TEXTS = [text for text, _ in ROWS]
LABELS = [label for _, label in ROWS]


def training_split(data_dir, hold_out):
    import train_classifier
    # dair-ai alone, every row given a chat-like variant, so a held-out row would show through one.
    options = train_classifier.parse_args([
        "--data-dir", str(data_dir), "--goemotions-weight", "0", "--dailydialog-weight", "0",
        "--chat-phrases-weight", "0", "--written-self-reports-weight", "0", "--second-self-reports-weight", "0",
        "--augment-fraction", "1.0"]
        + (["--hold-out-self-reports"] if hold_out else []))
    return build_training_split(options)


class SelfReportRowsTest(unittest.TestCase):
    def test_the_rows_split_into_feel_word_rows_and_self_reports(self):
        self.assertEqual(without_self_reports(TEXTS, LABELS),
                         (["i feel so alone tonight", "i felt thrilled", "im feeling scared"], [0, 1, 4]))
        self.assertEqual(only_self_reports(TEXTS, LABELS), (["when my dog died", "being followed home at night"], [0, 4]))


class HoldOutTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        (Path(self.dir.name) / "emotion").mkdir()
        (Path(self.dir.name) / "emotion" / "train.txt").write_text(
            "".join(f"{text};{NAMES[label]}\n" for text, label in ROWS))

    def tearDown(self):
        self.dir.cleanup()

    def test_without_the_flag_the_self_reports_train(self):
        split = training_split(self.dir.name, hold_out=False)
        self.assertIn("when my dog died", split.texts)

    def test_with_the_flag_no_self_report_and_no_variant_of_one_is_trained_on(self):
        split = training_split(self.dir.name, hold_out=True)
        self.assertGreater(len(split.texts), 3)
        self.assertFalse(any(is_self_report(t) for t in split.texts[:3]))
        self.assertFalse(any("dog" in t or "followed" in t for t in split.texts))


if __name__ == "__main__":
    unittest.main()
