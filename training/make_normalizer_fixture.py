"""Prints chat inputs and what the Python normaliser makes of them, as JSON.

    /usr/bin/python3 training/make_normalizer_fixture.py               # to stdout
    /usr/bin/python3 training/make_normalizer_fixture.py --out x.json  # to a file

test/unit/normalize-chat-text.test.ts runs this at test time (the output is never committed) and
checks that the TypeScript port gives the same outputs. Standard library only.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feelbot_train.normalize import NORMALIZER_VERSION, normalize_chat_text  # noqa: E402

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
    # Non-ASCII parts words (v4), except combining marks, which go. Only characters Unicode 14
    # assigns, the table of Python 3.11, so that both sides read the same Unicode data.
    "ok whatever—devastated",
    "wait–what ‒ and ― too",
    "hmm…ok",
    "ok。bye 終わった。悲しい",
    "happy👍thanks",
    "sure☀️fine",
    "i❤️u",
    "nice👍🏽work and 🙏🏼thanks",
    "family👨‍👩‍👧day ❤️‍🔥burning",
    "1️⃣st place",
    "ｉ’ｍ ｓａｄ ｄｏｎ＇ｔ",
    "crème brûlée Ångström Œuvre straße søren",
    "cafe\u0301 and e\u0308\u0301 marks",
    "我很难过today 悲しいsad",
    "مَرْحَباhello شكرا",
    "привет friend and ㅋㅋㅋ 안녕",
    "x\u200by zero\u200dwidth tab\u00a0nbsp soft\u00adhyphen",
    "ﬁne ½ ™ ①",
    "can‘t stop, wonʼt stop, don’t",
    "un\u00adhappy and sad\u200bness and \u200eright\u200f and \ufeffbom",
    # Discord timestamps and command mentions are markup, not words (v4).
    "<t:1700000000:R> is when i leave",
    "see you <t:1700000000> ok",
    "<t:1700000000:t><t:1700000000:T><t:1700000000:d><t:1700000000:D><t:1700000000:f><t:1700000000:F><t:1700000000:R>",
    "not markup: <t:abc> <t:1700000000:X> <t:>",
    "use </feel:123456789012345678> to ask",
    "</feel now:42> and </config emotion set:99> done",
    "not commands: </feel:> </:12> </a b c d:12>",
    # A camel-case custom emoji name is read as its words, like a camel-case hashtag (v5).
    "exam went badly <:sadCat:123456789012345678> <:FeelsBadMan:42>",
    "<a:angryPepe_rage:42><:KEKW:42><:pepe_sad:42><:iPhone2Sad:42>",
    # Where whitespace ends a link or lets an emoticon count, Python's \s decides: JavaScript's \s
    # also holds U+FEFF but not U+001C-U+001F or U+0085 (NEL, a cp1252 "..." read as Latin-1).
    "so sad :(\ufeff",
    "https://x.com\ufeffi am so sad",
    "so sad :(\u0085",
    "https://x.com\u0085i am so sad",
    "https://x.com\u001fsad",
    # Python's IGNORECASE reads the long s (U+017F) as "s", which JavaScript's i flag does not.
    "httpſ://x.com/ſad i am so sad",
    "HTTPſ://x.com sad and www.ſ.com",
    # Python's $ also matches before a final newline; the newline is whitespace either way.
    "so sad :(\n",
    "unterminated ```code\n",
    "ok ```x\n\n",
]
# Every character either language's \s holds, and U+180E that older Unicode did, after an emoticon
# and after a link.
WHITESPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u180e" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
INPUTS += [f"so sad :({space}" for space in WHITESPACE]
INPUTS += [f"sad :){space}ok" for space in WHITESPACE]
INPUTS += [f"https://x.com{space}i am so sad" for space in WHITESPACE]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write the JSON to this file instead of stdout")
    args = parser.parse_args()
    cases = [{"input": text, "expected": normalize_chat_text(text)} for text in INPUTS]
    # ASCII-only JSON, so that no locale's stdout encoding can garble it.
    payload = json.dumps({"normalizer": NORMALIZER_VERSION, "cases": cases}, indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(payload)
    else:
        args.out.write_text(payload, encoding="utf-8")


if __name__ == "__main__":
    main()
