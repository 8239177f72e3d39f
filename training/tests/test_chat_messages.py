"""Checks of feelbot_train.chat_messages and of training/data/chat-messages.txt itself.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import sys
import tempfile
import unittest
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feelbot_train.chat_messages import CHAT_MESSAGES_FILE, chat_message_examples  # noqa: E402
from feelbot_train.datasets import read_text_label_file  # noqa: E402
from feelbot_train.labels import LABEL_TO_ID, LABELS  # noqa: E402
from feelbot_train.phrase_overlap import shared_word_sequences  # noqa: E402

CHAT_CHECK = Path(__file__).resolve().parents[1] / "data" / "chat-check.txt"


class ChatMessageExamplesTest(unittest.TestCase):
    def test_every_fifth_message_of_each_label_is_held_out(self):
        lines = [f"joy {i};joy" for i in range(6)] + [f"calm {i};neutral" for i in range(5)]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "messages.txt"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            held_texts, held_labels = chat_message_examples("heldout", path)
            train_texts, train_labels = chat_message_examples("train", path)
        self.assertEqual(held_texts, ["joy 4", "calm 4"])
        self.assertEqual(held_labels, [LABEL_TO_ID["joy"], LABEL_TO_ID["neutral"]])
        self.assertEqual(train_texts, ["joy 0", "joy 1", "joy 2", "joy 3", "joy 5",
                                       "calm 0", "calm 1", "calm 2", "calm 3"])
        self.assertEqual(Counter(train_labels), {LABEL_TO_ID["joy"]: 5, LABEL_TO_ID["neutral"]: 4})


class ShippedChatMessagesTest(unittest.TestCase):
    def setUp(self):
        self.texts, self.labels = read_text_label_file(CHAT_MESSAGES_FILE)

    def test_120_distinct_messages_per_label(self):
        self.assertEqual(Counter(self.labels), {label_id: 120 for label_id in range(len(LABELS))})
        self.assertEqual(len(set(self.texts)), len(self.texts))
        self.assertFalse([t for t in self.texts if ";" in t or not t.strip()])

    def test_the_held_out_fifth_is_24_per_label_and_disjoint_from_training(self):
        held_texts, held_labels = chat_message_examples("heldout")
        train_texts, _ = chat_message_examples("train")
        self.assertEqual(Counter(held_labels), {label_id: 24 for label_id in range(len(LABELS))})
        self.assertEqual(len(train_texts), 96 * len(LABELS))
        self.assertFalse(set(held_texts) & set(train_texts))

    def test_chat_check_shares_no_run_of_four_words_with_the_messages(self):
        check_texts, _ = read_text_label_file(CHAT_CHECK)
        self.assertEqual(shared_word_sequences(check_texts, self.texts, n=4), [])


class SharedWordSequencesTest(unittest.TestCase):
    def test_a_run_found_after_normalising_both_sides(self):
        found = shared_word_sequences(["OMG I can't even believe it!!", "see you"], ["i cant even believe this"], n=4)
        self.assertEqual(found, [(0, "i cant even believe")])

    def test_shorter_runs_do_not_count(self):
        self.assertEqual(shared_word_sequences(["i cant even"], ["i cant even believe"], n=4), [])


if __name__ == "__main__":
    unittest.main()
