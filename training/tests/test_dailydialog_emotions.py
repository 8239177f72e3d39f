"""Which DailyDialog turns the training mix keeps: `--dailydialog-emotions` and `--dailydialog-emotion-labels`."""

import argparse
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feelbot_train.corpus import dailydialog_emotions_kept, dailydialog_weights, subsample_neutral  # noqa: E402
from feelbot_train.labels import LABEL_TO_ID, NEUTRAL_ID  # noqa: E402

JOY, ANGER, FEAR = LABEL_TO_ID["joy"], LABEL_TO_ID["anger"], LABEL_TO_ID["fear"]
TEXTS = ["n1", "thanks!", "how dare you", "n2", "is it gonna hurt", "n3"]
LABELS = [NEUTRAL_ID, JOY, ANGER, NEUTRAL_ID, FEAR, NEUTRAL_ID]


def options(emotions=False, labels=None, weight=0.5, emotions_weight=None):
    return argparse.Namespace(dailydialog_emotions=emotions, dailydialog_emotion_labels=labels,
                              dailydialog_weight=weight, dailydialog_emotions_weight=emotions_weight)


class DailyDialogEmotionsTest(unittest.TestCase):
    def test_by_default_only_neutral_turns_are_kept(self):
        kept = dailydialog_emotions_kept(options())
        texts, labels = subsample_neutral(TEXTS, LABELS, 2, seed=1, keep_emotional=kept)
        self.assertEqual(labels, [NEUTRAL_ID, NEUTRAL_ID])
        self.assertTrue(set(texts) < {"n1", "n2", "n3"})

    def test_the_flag_keeps_every_emotional_turn(self):
        kept = dailydialog_emotions_kept(options(True))
        _, labels = subsample_neutral(TEXTS, LABELS, 0, seed=1, keep_emotional=kept)
        self.assertEqual(labels, [JOY, ANGER, FEAR])

    def test_named_labels_keep_only_their_turns_in_file_order(self):
        kept = dailydialog_emotions_kept(options(labels="anger,fear"))
        texts, labels = subsample_neutral(TEXTS, LABELS, 1, seed=1, keep_emotional=kept)
        self.assertEqual([t for t, l in zip(texts, labels) if l != NEUTRAL_ID], ["how dare you", "is it gonna hurt"])
        self.assertEqual(labels.count(NEUTRAL_ID), 1)
        self.assertNotIn(JOY, labels)


class DailyDialogWeightsTest(unittest.TestCase):
    def test_one_weight_for_every_turn_by_default(self):
        self.assertEqual(dailydialog_weights(LABELS, options()), 0.5)

    def test_emotional_turns_take_their_own_weight(self):
        self.assertEqual(dailydialog_weights(LABELS, options(emotions_weight=0.2)), [0.5, 0.2, 0.2, 0.5, 0.2, 0.5])


class LabelListArgumentTest(unittest.TestCase):
    def setUp(self):
        import train_classifier
        self.parse = train_classifier.parse_args

    def test_accepts_emotion_names_and_trims_spaces(self):
        self.assertEqual(self.parse(["--dailydialog-emotion-labels", "anger, fear"]).dailydialog_emotion_labels,
                         "anger,fear")

    def test_rejects_neutral_and_unknown_names(self):
        for value in ("neutral", "anger,happiness", ""):
            with self.subTest(value=value), self.assertRaises(SystemExit):
                self.parse(["--dailydialog-emotion-labels", value])


if __name__ == "__main__":
    unittest.main()
