"""Checks of feelbot_train.phrase_overlap, and that training/data/chat-check.txt shares no message
phrase with the chat phrases training reads.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feelbot_train.datasets import read_text_label_file  # noqa: E402
from feelbot_train.phrase_overlap import phrases_of, shared_phrases, shared_word_sequences  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"


class SharedPhrasesTest(unittest.TestCase):
    def test_a_phrase_found_after_normalising_both_sides(self):
        found = shared_phrases(["WAIT what?? No way!", "see you at 5"], ["no way", "wait what"])
        self.assertEqual(found, [(0, "no way"), (0, "wait what")])

    def test_only_whole_words_count(self):
        self.assertEqual(shared_phrases(["i know wayne"], ["no way"]), [])

    def test_single_words_are_not_checked(self):
        self.assertEqual(shared_phrases(["wow that is sad"], ["wow", "sad"]), [])


class PhrasesOfTest(unittest.TestCase):
    def test_phrases_and_contexts_by_default_not_leads_or_tails(self):
        data = {"labels": {"joy": {"phrases": ["so happy rn"], "contexts": ["i got the job"],
                                   "leads": ["omg"], "tails": ["so much"]}}}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "phrases.json"
            path.write_text(json.dumps(data), encoding="utf-8")
            self.assertEqual(phrases_of(path), ["so happy rn", "i got the job"])
            self.assertEqual(phrases_of(path, kinds=("tails",)), ["so much"])


class ChatCheckIsIndependentTest(unittest.TestCase):
    def test_chat_check_shares_no_message_phrase_with_the_training_phrases(self):
        texts, _ = read_text_label_file(DATA / "chat-check.txt")
        self.assertEqual(len(texts), 105)
        self.assertEqual(shared_phrases(texts, phrases_of()), [])


class ChatCheckBIsIndependentTest(unittest.TestCase):
    """chat-check-b.txt (sixteenth session) was kept to the lines of a 210-line draft that share no
    training phrase and no four-word run with the free-form training messages or with chat-check.txt."""

    def setUp(self):
        self.texts, self.labels = read_text_label_file(DATA / "chat-check-b.txt")

    def test_it_holds_every_label_and_no_repeated_line(self):
        self.assertEqual(len(self.texts), 132)
        self.assertEqual(len(set(self.texts)), len(self.texts))
        self.assertEqual(sorted(set(self.labels)), list(range(7)))

    def test_it_shares_no_training_phrase(self):
        self.assertEqual(shared_phrases(self.texts, phrases_of()), [])

    def test_it_shares_no_four_word_run_with_the_chat_messages_or_chat_check(self):
        for name in ("chat-messages.txt", "chat-check.txt"):
            others, _ = read_text_label_file(DATA / name)
            self.assertEqual(shared_word_sequences(self.texts, others), [], name)


if __name__ == "__main__":
    unittest.main()
