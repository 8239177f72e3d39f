"""Checks of the no-feel-word routing, with the cases src/domain/names-a-feeling.ts is tested on.

    /usr/bin/python3 -m unittest discover -s training/tests
"""

import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feelbot_train.routing import CONFIG_KEY, no_feel_word_reader, routes_to_reader  # noqa: E402

NAMING = ["i feel lost", "feeling great today", "she felt nothing", "my feelings are hurt", "it feels wrong",
          "feelin it"]
NOT_NAMING = ["ok see you at 5", "when my father shouted at me", "felted wool hat", "unfeeling", ""]


class RoutingTest(unittest.TestCase):
    def test_texts_naming_a_feeling_stay_with_the_folders_own_model(self):
        self.assertEqual(routes_to_reader(NAMING), [False] * len(NAMING))

    def test_texts_naming_none_go_to_the_reader(self):
        self.assertEqual(routes_to_reader(NOT_NAMING), [True] * len(NOT_NAMING))

    def test_the_reader_is_the_subfolder_config_json_names(self):
        with tempfile.TemporaryDirectory() as folder:
            config = Path(folder) / "config.json"
            config.write_text(json.dumps({"id2label": {}}))
            self.assertIsNone(no_feel_word_reader(folder))
            config.write_text(json.dumps({"id2label": {}, CONFIG_KEY: "chat"}))
            self.assertEqual(no_feel_word_reader(folder), Path(folder) / "chat")


if __name__ == "__main__":
    unittest.main()
