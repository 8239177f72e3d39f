"""Checks that training can still read text through normaliser v2, which the shipped model was trained with.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feelbot_train.normalize import NORMALIZER_VERSION, normalize_chat_text  # noqa: E402

V2 = "feelbot-chat-v2"
# (input, v2 output as written by the normaliser of commit b145f59, v3 output)
CASES = [
    ("I &lt;3 you &amp; me", "i lt 3 you amp me", "i love you me"),
    ("@jess_m that was SO rude", "jess m that was so rude", "that was so rude"),
    ("#GoodVibes only!!", "goodvibes only !", "good vibes only !"),
    ("mail me at jo@example.com :)", "mail me at jo example com happy", "mail me at jo example com happy"),
    ("i feel soooo happy 😂 <@123>", "i feel soo happy laughing", "i feel soo happy laughing"),
]


class NormalizerVersionsTest(unittest.TestCase):
    def test_v2_reads_entities_handles_and_hashtags_as_the_shipped_model_was_trained(self):
        for text, v2, _ in CASES:
            self.assertEqual(normalize_chat_text(text, V2), v2, text)

    def test_v3_is_still_the_default(self):
        for text, _, v3 in CASES:
            self.assertEqual(normalize_chat_text(text), v3, text)
            self.assertEqual(normalize_chat_text(text, NORMALIZER_VERSION), v3, text)

    def test_an_unknown_version_is_refused(self):
        with self.assertRaisesRegex(ValueError, "unknown normaliser 'feelbot-chat-v9'"):
            normalize_chat_text("hi", "feelbot-chat-v9")


if __name__ == "__main__":
    unittest.main()
