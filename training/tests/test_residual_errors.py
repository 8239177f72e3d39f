"""Checks of feelbot_train.residual_errors.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feelbot_train.residual_errors import cue_word_counts, error_kind, sort_errors  # noqa: E402

SADNESS, JOY, FEAR = 0, 1, 4
NAMES = ["sadness", "joy", "love", "anger", "fear", "surprise", "neutral"]
# "assaulted": 6 fear, 3 sadness; "glad": 6 joy; "grim": 6 sadness; "i" and "feel" in every row.
TRAIN = ([("i feel assaulted", FEAR)] * 6 + [("i feel assaulted", SADNESS)] * 3
         + [("i feel glad", JOY)] * 6 + [("i feel grim", SADNESS)] * 6 + [("i feel so tired", SADNESS)] * 2)
TEXTS = [text for text, _ in TRAIN]
LABELS = [label for _, label in TRAIN]


class CueWordsTest(unittest.TestCase):
    def test_words_that_follow_a_label_are_cues_and_words_in_every_row_are_not(self):
        cues = cue_word_counts(TEXTS, LABELS)
        self.assertEqual(set(cues), {"assaulted", "glad", "grim"})
        self.assertEqual(cues["assaulted"][FEAR], 6)
        self.assertEqual(cues["assaulted"][SADNESS], 3)

    def test_a_word_with_too_few_rows_is_not_a_cue(self):
        self.assertNotIn("tired", cue_word_counts(TEXTS, LABELS))


class ErrorKindTest(unittest.TestCase):
    cues = cue_word_counts(TEXTS, LABELS)

    def test_a_minority_label_of_its_word_answered_with_the_majority_is_backed(self):
        self.assertEqual(error_kind("i feel assaulted today", SADNESS, FEAR, self.cues), "answer_backed_by_its_words")

    def test_an_answer_against_the_words_is_the_models_own(self):
        self.assertEqual(error_kind("i feel assaulted today", FEAR, SADNESS, self.cues), "unbacked")
        self.assertEqual(error_kind("i feel grim", SADNESS, JOY, self.cues), "unbacked")

    def test_the_cue_words_are_counted_together(self):
        # glad 6 joy against assaulted 3 sadness + grim 6 sadness: the label's words outweigh the answer's.
        self.assertEqual(error_kind("i feel glad and assaulted and grim", SADNESS, JOY, self.cues), "unbacked")
        self.assertEqual(error_kind("i feel glad and assaulted", SADNESS, JOY, self.cues),
                         "answer_backed_by_its_words")

    def test_a_row_without_a_feel_word_is_a_self_report(self):
        self.assertEqual(error_kind("when i was assaulted", SADNESS, FEAR, self.cues), "self_report")


class SortErrorsTest(unittest.TestCase):
    def test_every_kind_is_counted_and_each_row_names_its_cue_words(self):
        cues = cue_word_counts(TEXTS, LABELS)
        result = sort_errors([("i feel assaulted", SADNESS, FEAR), ("one afternoon", FEAR, JOY)], cues, NAMES)
        self.assertEqual(result["counts"], {"self_report": 1, "answer_backed_by_its_words": 1, "unbacked": 0})
        self.assertEqual(result["rows"][0]["cue_words"], {"assaulted": {"fear": 6, "sadness": 3}})
        self.assertEqual((result["rows"][1]["label"], result["rows"][1]["answer"]), ("fear", "joy"))


if __name__ == "__main__":
    unittest.main()
