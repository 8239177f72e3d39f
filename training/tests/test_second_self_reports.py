"""The second file of written self-reports (training/data/self-report-events-b.json) and
`--second-self-reports-weight`.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluate import dair_self_reports  # noqa: E402
from feelbot_train.corpus import build_training_split  # noqa: E402
from feelbot_train.datasets import DEFAULT_DATA_DIR  # noqa: E402
from feelbot_train.held_out import share  # noqa: E402
from feelbot_train.labels import LABELS  # noqa: E402
from feelbot_train.normalize import normalize_chat_text  # noqa: E402
from feelbot_train.phrase_overlap import shared_word_sequences  # noqa: E402
from feelbot_train.self_reports import is_self_report  # noqa: E402
from feelbot_train.written_self_reports import (  # noqa: E402
    SECOND_SELF_REPORTS_FILE, SELF_REPORTS_FILE, written_self_report_examples)

SPEC = json.loads(SECOND_SELF_REPORTS_FILE.read_text(encoding="utf-8"))
FIRST_SPEC = json.loads(SELF_REPORTS_FILE.read_text(encoding="utf-8"))


def items(spec, kind):
    return [item for parts in spec["labels"].values() for item in parts[kind]]


class SecondFileTest(unittest.TestCase):
    def test_it_holds_every_label_with_sixty_events_and_twenty_moments(self):
        self.assertEqual(list(SPEC["labels"]), LABELS)
        for label, parts in SPEC["labels"].items():
            self.assertEqual((len(parts["events"]), len(parts["moments"])), (60, 20), label)

    def test_its_frames_are_new(self):
        for kind in ("event_frames", "moment_frames"):
            self.assertEqual(set(SPEC[kind]) & set(FIRST_SPEC[kind]), set(), kind)

    def test_no_event_or_moment_repeats_or_comes_from_the_first_file(self):
        for kind in ("events", "moments"):
            second = items(SPEC, kind)
            self.assertEqual(len(set(second)), len(second), kind)
            self.assertEqual(set(second) & set(items(FIRST_SPEC, kind)), set(), kind)

    def test_every_answer_is_shaped_like_dair_ai_and_names_no_feeling(self):
        for part in ("train", "heldout"):
            texts, _ = written_self_report_examples(part, 10_000, 0, SECOND_SELF_REPORTS_FILE)
            for text in texts:
                self.assertEqual(normalize_chat_text(text), text)
                self.assertTrue(is_self_report(text), text)

    @unittest.skipUnless((Path(DEFAULT_DATA_DIR) / "emotion" / "train.txt").exists(), "needs ../shared/data")
    def test_no_four_word_run_comes_from_dair_ais_real_self_reports(self):
        # The probe V evaluation set (train.txt's and validation's no-feel-word rows) must not leak in.
        real, _ = dair_self_reports(DEFAULT_DATA_DIR)
        self.assertEqual(len(real), 219)
        self.assertEqual(shared_word_sequences(items(SPEC, "events") + items(SPEC, "moments"), real), [])


def training_split(second_weight):
    import train_classifier
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "emotion").mkdir()
        (Path(folder) / "emotion" / "train.txt").write_text("i feel fine;joy\n")
        options = train_classifier.parse_args([
            "--data-dir", folder, "--goemotions-weight", "0", "--dailydialog-weight", "0",
            "--chat-phrases-weight", "0", "--written-self-reports-weight", "0", "--augment-fraction", "0",
            "--second-self-reports-weight", str(second_weight), "--second-self-reports-per-label", "10000"])
        return build_training_split(options)


class SecondWeightTest(unittest.TestCase):
    def test_on_at_half_weight_by_default_as_shipped_since_rule_n(self):
        import train_classifier
        self.assertEqual(train_classifier.parse_args([]).second_self_reports_weight, 0.5)

    def test_weight_zero_turns_it_off(self):
        self.assertEqual(training_split(0).texts, ["i feel fine"])

    def test_on_it_trains_the_train_share_at_its_weight_and_never_the_held_out_share(self):
        split = training_split(0.5)
        trained = " | ".join(split.texts)
        first_label = SPEC["labels"]["sadness"]
        for event in share(first_label["events"], "train"):
            self.assertIn(event, trained)
        for event in share(first_label["events"], "heldout"):
            self.assertNotIn(event, trained)
        self.assertEqual(set(split.weights[1:]), {0.5})


if __name__ == "__main__":
    unittest.main()
