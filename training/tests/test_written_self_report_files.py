"""The second and third files of written self-reports (training/data/self-report-events-b.json and
-c.json), and the options that train on them.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import json
import os
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
    SECOND_SELF_REPORTS_FILE, SELF_REPORTS_FILE, THIRD_SELF_REPORTS_FILE, written_self_report_examples)

HAS_DAIR = (Path(DEFAULT_DATA_DIR) / "emotion" / "train.txt").exists()
# CI has the data beside the project and sets FEELBOT_REQUIRE_DATA, so there the data tests never skip.
if os.environ.get("FEELBOT_REQUIRE_DATA") and not HAS_DAIR:
    raise RuntimeError(f"FEELBOT_REQUIRE_DATA is set but {DEFAULT_DATA_DIR} holds no dair-ai")


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def items(spec, kind):
    return [item for parts in spec["labels"].values() for item in parts[kind]]


class WrittenFileChecks:
    """The checks every later file passes; a subclass names the file, the files before it and its counts."""

    path = None
    earlier = ()
    counts = {}

    def setUp(self):
        self.spec = load(self.path)
        self.earlier_specs = [load(path) for path in self.earlier]

    def test_it_holds_every_label_with_its_events_and_moments(self):
        self.assertEqual(list(self.spec["labels"]), LABELS)
        for label, parts in self.spec["labels"].items():
            self.assertEqual((len(parts["events"]), len(parts["moments"])), self.counts.get(label, (60, 20)), label)

    def test_its_frames_are_new(self):
        for kind in ("event_frames", "moment_frames"):
            for earlier in self.earlier_specs:
                self.assertEqual(set(self.spec[kind]) & set(earlier[kind]), set(), kind)

    def test_no_event_or_moment_repeats_or_comes_from_an_earlier_file(self):
        for kind in ("events", "moments"):
            own = items(self.spec, kind)
            self.assertEqual(len(set(own)), len(own), kind)
            for earlier in self.earlier_specs:
                self.assertEqual(set(own) & set(items(earlier, kind)), set(), kind)

    def test_every_answer_is_shaped_like_dair_ai_and_names_no_feeling(self):
        for part in ("train", "heldout"):
            texts, _ = written_self_report_examples(part, 10_000, 0, self.path)
            self.assertGreater(len(texts), 0, part)
            for text in texts:
                self.assertEqual(normalize_chat_text(text), text)
                self.assertTrue(is_self_report(text), text)

    @unittest.skipUnless(HAS_DAIR, "needs ../shared/data")
    def test_no_four_word_run_comes_from_dair_ais_real_self_reports(self):
        # The probe V and X evaluation set (train.txt's and validation's no-feel-word rows) must not leak in.
        real, _ = dair_self_reports(DEFAULT_DATA_DIR)
        self.assertEqual(len(real), 219)
        written = items(self.spec, "events") + items(self.spec, "moments")
        self.assertEqual(shared_word_sequences(written, real), [])


class SecondFileTest(WrittenFileChecks, unittest.TestCase):
    path = SECOND_SELF_REPORTS_FILE
    earlier = (SELF_REPORTS_FILE,)


class ThirdFileTest(WrittenFileChecks, unittest.TestCase):
    path = THIRD_SELF_REPORTS_FILE
    earlier = (SELF_REPORTS_FILE, SECOND_SELF_REPORTS_FILE)
    counts = {"anger": (90, 30), "fear": (90, 30)}


def training_split(option, weight):
    import train_classifier
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "emotion").mkdir()
        (Path(folder) / "emotion" / "train.txt").write_text("i feel fine;joy\n")
        options = train_classifier.parse_args([
            "--data-dir", folder, "--goemotions-weight", "0", "--dailydialog-weight", "0",
            "--chat-phrases-weight", "0", "--written-self-reports-weight", "0", "--augment-fraction", "0",
            "--second-self-reports-weight", "0", "--third-self-reports-weight", "0",
            f"--{option}-weight", str(weight), f"--{option}-per-label", "10000"])
        return build_training_split(options)


class WeightOptionsTest(unittest.TestCase):
    def test_the_second_file_is_on_at_half_weight_by_default_as_shipped_since_rule_n_and_the_third_off(self):
        import train_classifier
        defaults = train_classifier.parse_args([])
        self.assertEqual((defaults.second_self_reports_weight, defaults.third_self_reports_weight), (0.5, 0.0))

    def test_weight_zero_turns_each_off(self):
        for option in ("second-self-reports", "third-self-reports"):
            self.assertEqual(training_split(option, 0).texts, ["i feel fine"], option)

    def test_on_each_trains_its_own_train_share_at_its_weight_and_never_its_held_out_share(self):
        for option, path in (("second-self-reports", SECOND_SELF_REPORTS_FILE),
                             ("third-self-reports", THIRD_SELF_REPORTS_FILE)):
            split = training_split(option, 0.5)
            trained = " | ".join(split.texts)
            for label in ("sadness", "fear"):
                parts = load(path)["labels"][label]
                for event in share(parts["events"], "train"):
                    self.assertIn(event, trained, option)
                for event in share(parts["events"], "heldout"):
                    self.assertNotIn(event, trained, option)
            self.assertEqual(set(split.weights[1:]), {0.5}, option)
            self.assertEqual(len(split.texts) - 1, len(written_self_report_examples("train", 10_000, 13, path)[0]))


if __name__ == "__main__":
    unittest.main()
