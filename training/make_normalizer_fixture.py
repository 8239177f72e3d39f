"""Writes test/fixtures/normalize-chat-text.json: chat inputs and what the Python normaliser makes of them.

    /usr/bin/python3 training/make_normalizer_fixture.py

test/unit/normalize-chat-text.test.ts checks that the TypeScript port gives the same outputs.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feelbot_train.normalize import NORMALIZER_VERSION, normalize_chat_text  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "normalize-chat-text.json"

INPUTS = [
    "",
    "   ",
    "i didnt feel humiliated",
    "ok see you at 5",
    "OMG I am sooooo HAPPY!!!",
    "I don't feel great :(",
    "I don’t know… it’s fine",
    "lol that was hilarious 😂😂😂",
    "love you guys ❤️❤️ <3",
    "</3 she left",
    "so angry rn 😡 >:(",
    "wow :O didn't expect that",
    "haha xD :D :P ;)",
    "time is 5:30 and ratio 3:2",
    "hey <@123456789012345678> and <@!42> in <#987654321> for <@&555>",
    "look <:pepe_sad:1234567890> <a:party_blob:42>",
    "check https://example.com/a?b=c&d=e and www.test.org/x now",
    "here:\n```py\nprint('i feel sad')\n```\nworks now",
    "run `npm test` then cry",
    "unterminated ```code block forever",
    "First sentence. Second one!? Third...",
    "idk tbh u r gr8 ppl",
    "constructor toString __proto__",
    "Café naïve résumé",
    "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ",
    "I'm feeling ~so~ **excited** for the ||spoiler|| party 🎉",
    "goooood morning!!! aaaand sooo",
    "scared 😱 and surprised 🤯 and thankful 🙏",
    "tabs\tand\nnew\r\nlines",
    "numbers 123 and 4ever b4",
    "emoji only 🫠🫡",
    "mixed 中文 and العربية text",
    ":) at start and end :)",
    "nested:):) faces",
    "quote > reply here",
    "i feel so lonely today, nobody texts me back",
    "wait what?? no way!!!",
    "really?! you did that!?",
    "why?",
    "!!!",
    "a?b!c",
    "@jess_m i feel so betrayed right now",
    "RT @user: cant believe it @BigMike42 @@double",
    "mail me at bob@example.com or @ alone",
    "#GoodVibes only #blessed #so_happy #2020Sucks #iPhone",
    "<#987654321> and # heading and #",
    "@José ok",
    "love you &lt;3 &amp; miss you &gt;:( &quot;ok&quot; don&#39;t &apos;go&apos; &amp;amp; &AMP; &nbsp;",
]


def main():
    cases = [{"input": text, "expected": normalize_chat_text(text)} for text in INPUTS]
    payload = {"normalizer": NORMALIZER_VERSION, "cases": cases}
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases to {FIXTURE}")


if __name__ == "__main__":
    main()
