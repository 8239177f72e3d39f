"""Checks the normaliser's versions: v2 (the shipped model's), v3, v4, and v5 (the app's).

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import json
import subprocess
import sys
import unicodedata
import unittest
from pathlib import Path

TRAINING = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TRAINING))

from feelbot_train.normalize import NORMALIZER_VERSION, NORMALIZER_VERSIONS, normalize_chat_text  # noqa: E402
from make_normalizer_fixture import INPUTS  # noqa: E402

V2, V3, V4, V5 = "feelbot-chat-v2", "feelbot-chat-v3", "feelbot-chat-v4", "feelbot-chat-v5"
# (input, v2 output as written by the normaliser of commit b145f59, v3 output, v4 output);
# v2 and v3 outputs of the rows from "whatever—" on are those of commit 413f567, before v4. No row
# has a camel-case custom emoji, so v5 gives the v4 output on each.
CASES = [
    ("I &lt;3 you &amp; me", "i lt 3 you amp me", "i love you me", "i love you me"),
    ("@jess_m that was SO rude", "jess m that was so rude", "that was so rude", "that was so rude"),
    ("#GoodVibes only!!", "goodvibes only !", "good vibes only !", "good vibes only !"),
    ("mail me at jo@example.com :)", "mail me at jo example com happy", "mail me at jo example com happy",
     "mail me at jo example com happy"),
    ("i feel soooo happy 😂 <@123>", "i feel soo happy laughing", "i feel soo happy laughing",
     "i feel soo happy laughing"),
    ("ok whatever—devastated", "ok whateverdevastated", "ok whateverdevastated", "ok whatever devastated"),
    ("happy👍thanks", "happythanks", "happythanks", "happy thanks"),
    ("ok。bye", "okbye", "okbye", "ok bye"),
    ("nice👍🏽work", "nicework", "nicework", "nice work"),
    ("family👨‍👩‍👧day", "familyday", "familyday", "family day"),
    ("i❤️u", "i love you", "i love you", "i love you"),
    ("I don’t know… café naïve", "i dont know cafe naive", "i dont know cafe naive", "i dont know cafe naive"),
    ("ｄｏｎ＇ｔ ＳＡＤ", "dont sad", "dont sad", "dont sad"),
    ("我很难过today", "today", "today", "today"),
    ("u r late <t:1700000000:R>", "you are late t 1700000000 are", "you are late t 1700000000 are",
     "you are late"),
    ("try </feel now:123> again", "try feel now 123 again", "try feel now 123 again", "try again"),
]


class NormalizerVersionsTest(unittest.TestCase):
    def test_v2_reads_text_as_the_shipped_model_was_trained(self):
        for text, v2, _, _ in CASES:
            self.assertEqual(normalize_chat_text(text, V2), v2, text)

    def test_v3_reads_text_as_before_v4_existed(self):
        for text, _, v3, _ in CASES:
            self.assertEqual(normalize_chat_text(text, V3), v3, text)

    def test_v4_keeps_words_apart_and_drops_discord_markup(self):
        for text, _, _, v4 in CASES:
            self.assertEqual(normalize_chat_text(text, V4), v4, text)
            self.assertEqual(normalize_chat_text(text, V5), v4, text)

    def test_v5_is_the_default_and_reads_a_camel_case_custom_emoji_as_its_words(self):
        self.assertEqual(NORMALIZER_VERSION, V5)
        self.assertEqual(NORMALIZER_VERSIONS, (V2, V3, V4, V5))
        for text, v4, v5 in [
            ("<:sadCat:123456789012345678>", "sadcat", "sad cat"),
            ("<:FeelsBadMan:42> ok", "feelsbadman ok", "feels bad man ok"),
            ("<a:angryPepe_rage:42>", "angrypepe rage", "angry pepe rage"),
            ("<:KEKW:42> <:pepe_sad:42>", "kekw pepe sad", "kekw pepe sad"),
        ]:
            self.assertEqual(normalize_chat_text(text, V4), v4, text)
            self.assertEqual(normalize_chat_text(text), v5, text)
        self.assertEqual(normalize_chat_text("<:sadCat:1>"), normalize_chat_text("#sadCat"))

    def test_v5_differs_from_v4_only_on_custom_emoji(self):
        for text in INPUTS:
            if normalize_chat_text(text, V4) != normalize_chat_text(text, V5):
                self.assertRegex(text, r"<a?:[A-Za-z0-9_]*[a-z][A-Z]", text)

    def test_v4_differs_from_v3_only_where_v3_glued_words_or_read_markup(self):
        for text in INPUTS:
            v3, v4 = normalize_chat_text(text, V3), normalize_chat_text(text, V4)
            if v3 != v4:
                self.assertTrue(any(ord(ch) > 127 for ch in text) or "<t:" in text or "</" in text, text)

    def test_v4_timestamps_in_every_style_and_command_mentions_leave_nothing(self):
        for style in ("", ":t", ":T", ":d", ":D", ":f", ":F", ":R"):
            self.assertEqual(normalize_chat_text(f"<t:1700000000{style}>"), "", style)
        for command in ("</feel:1>", "</feel now:1>", "</config emotion set:1>"):
            self.assertEqual(normalize_chat_text(command), "", command)
        self.assertEqual(normalize_chat_text("</3 <t:1700000000:X> </a b c d:1>"),
                         "heartbroken t 1700000000 x a b c d 1")

    def test_an_unknown_version_is_refused(self):
        with self.assertRaisesRegex(ValueError, "unknown normaliser 'feelbot-chat-v9'"):
            normalize_chat_text("hi", "feelbot-chat-v9")


class ParityCasesTest(unittest.TestCase):
    def test_every_input_uses_only_characters_this_python_assigns(self):
        # An unassigned character reads as neither a mark nor a decomposable letter here, while a newer
        # Node may know it; such an input would test the Unicode tables, not the ports.
        for text in INPUTS:
            unassigned = [f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cn"]
            self.assertEqual(unassigned, [], text)

    def test_the_script_needs_only_the_standard_library_and_writes_every_case(self):
        # -I -S: no site-packages, no user paths, so an import of numpy or torch would fail here.
        result = subprocess.run([sys.executable, "-I", "-S", str(TRAINING / "make_normalizer_fixture.py")],
                                check=True, capture_output=True, text=True)
        payload = json.loads(result.stdout)
        self.assertEqual(payload["normalizer"], NORMALIZER_VERSION)
        self.assertEqual([case["input"] for case in payload["cases"]], INPUTS)
        self.assertEqual([case["expected"] for case in payload["cases"]], [normalize_chat_text(t) for t in INPUTS])


if __name__ == "__main__":
    unittest.main()
