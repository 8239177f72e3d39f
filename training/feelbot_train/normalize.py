"""Turn Discord chat into text shaped like dair-ai/emotion (lower-case, no punctuation but "?" and "!").

Mirrored line for line by src/domain/normalize-chat-text.ts; test/fixtures/normalize-chat-text.json
(written by training/make_normalizer_fixture.py) checks that both give the same output.
Only ASCII survives the last step, so Python's and JavaScript's Unicode tables never disagree.
"""

import re
import unicodedata

# Bump when the behaviour changes; config.json records it so the app knows which normaliser the model expects.
NORMALIZER_VERSION = "feelbot-chat-v3"
# The shipped model was trained through v2. v3 differs only on HTML entities, pasted handles and
# hashtags; training can still run v2 so that the retrain command reproduces the shipped weights.
NORMALIZER_VERSIONS = ("feelbot-chat-v2", NORMALIZER_VERSION)

# The HTML entities tweets and scraped text carry ("&lt;3" is a heart once decoded). (v3)
ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&#39;": "'"}
ENTITY = re.compile("|".join(re.escape(e) for e in ENTITIES))
CODE_BLOCK = re.compile(r"```[\s\S]*?(```|$)")
INLINE_CODE = re.compile(r"`[^`]*`")
URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
# User, role and channel mentions carry no emotion.
MENTION = re.compile(r"<(@[!&]?|#)[0-9]+>")
# Custom emoji keep their name, which often says the feeling (<:pepe_sad:123> -> "pepe sad").
CUSTOM_EMOJI = re.compile(r"<a?:([A-Za-z0-9_]+):[0-9]+>")
# Handles pasted from other platforms ("@jess_m", Twitter's "@user") name a person, not a feeling;
# an e-mail address's "@" follows a letter and stays. (v3)
HANDLE = re.compile(r"(?<![A-Za-z0-9_@])@[A-Za-z0-9_]+")
# A camel-case hashtag is read as its words ("#GoodVibes" -> "Good Vibes"), which the tokenizer
# knows; run together they are pieces. (v3)
HASHTAG = re.compile(r"#([A-Za-z0-9_]+)")
CAMEL_BOUNDARY = re.compile(r"([a-z])([A-Z])")

# Emoticons only count when followed by a space or the end, so "5:30" or ":path" stay untouched.
EMOTICONS = [
    (">:(", "angry"), (">:-(", "angry"),
    (":'(", "crying"), (":'-(", "crying"),
    (":-)", "happy"), (":)", "happy"), ("=)", "happy"), (":]", "happy"), (";)", "happy"),
    (";-)", "happy"), (":-d", "happy"), (":d", "happy"), ("xd", "laughing"), (":p", "playful"),
    (":-(", "sad"), (":(", "sad"), ("=(", "sad"), (":[", "sad"),
    (":-o", "surprised"), (":o", "surprised"),
    ("<3", "love"), ("</3", "heartbroken"),
]
EMOTICON = re.compile(
    r"(" + "|".join(re.escape(face) for face, _ in sorted(EMOTICONS, key=lambda e: -len(e[0]))) + r")(?=\s|$)",
    re.IGNORECASE,
)
EMOTICON_WORDS = dict(EMOTICONS)

# Common emoji, written as the emotion words dair-ai's keyword labels are built from.
EMOJI_WORDS = {
    "happy": "😀😃😄😁😆😊🙂☺😌😎🤗",
    "laughing": "😂🤣",
    "love": "😍🥰😘😻❤♥💕💖💗💓💞💘💝🫶",
    "sad": "😢😞😔☹🙁😿😥😓🥺",
    "crying": "😭",
    "heartbroken": "💔",
    "angry": "😡😠🤬💢👿",
    "annoyed": "😒🙄😑",
    "frustrated": "😤",
    "scared": "😱😨😰😧😟😖",
    "surprised": "😮😯😲🤯😳",
    "thankful": "🙏",
    "excited": "🎉🥳🤩",
    "curious": "🤔",
}
EMOJI_TO_WORD = {ch: word for word, chars in EMOJI_WORDS.items() for ch in chars}

# Chat slang that dair-ai spells out; keys are whole lower-case words.
SLANG = {
    "u": "you", "ur": "your", "r": "are", "ya": "you", "idk": "i dont know", "rn": "right now",
    "tbh": "to be honest", "pls": "please", "plz": "please", "thx": "thanks", "ty": "thank you",
    "omg": "oh my god", "bc": "because", "cuz": "because", "coz": "because", "ppl": "people",
    "smh": "shaking my head", "imo": "in my opinion", "btw": "by the way", "b4": "before",
    "gr8": "great", "luv": "love", "ily": "i love you", "tho": "though", "srsly": "seriously",
}

APOSTROPHES = re.compile(r"['’`]")
NON_ALNUM = re.compile(r"[^a-z0-9?!]+")
# "?" and "!" are kept as words of their own: a question is how chat shows curiosity (GoEmotions'
# curiosity maps to surprise) and "!" its intensity. A run of them becomes one mark; "?" wins in "?!".
MARK_RUN = re.compile(r"[?!]+")
# Three or more of one letter ("sooooo") become two, which keeps "good" and "too" intact.
REPEATED_LETTER = re.compile(r"([a-z])\1{2,}")


def normalize_chat_text(text: str, version: str = NORMALIZER_VERSION) -> str:
    if version not in NORMALIZER_VERSIONS:
        raise ValueError(f"unknown normaliser {version!r}; known: {', '.join(NORMALIZER_VERSIONS)}")
    v3 = version == NORMALIZER_VERSION
    if v3:
        text = ENTITY.sub(lambda m: ENTITIES[m.group(0)], text)
    text = CODE_BLOCK.sub(" ", text)
    text = INLINE_CODE.sub(" ", text)
    text = URL.sub(" ", text)
    text = MENTION.sub(" ", text)
    if v3:
        text = HANDLE.sub(" ", text)
        text = HASHTAG.sub(lambda m: " " + CAMEL_BOUNDARY.sub(r"\1 \2", m.group(1)) + " ", text)
    text = CUSTOM_EMOJI.sub(lambda m: " " + m.group(1).replace("_", " ") + " ", text)
    text = EMOTICON.sub(lambda m: " " + EMOTICON_WORDS[m.group(1).lower()] + " ", text)
    text = "".join(" " + EMOJI_TO_WORD[ch] + " " if ch in EMOJI_TO_WORD else ch for ch in text)
    # NFKD splits accents off letters ("café" -> "cafe"); everything non-ASCII is then dropped.
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if ord(ch) < 128)
    text = text.lower()
    text = APOSTROPHES.sub("", text)
    text = NON_ALNUM.sub(" ", text)
    text = MARK_RUN.sub(lambda m: " ? " if "?" in m.group(0) else " ! ", text)
    text = REPEATED_LETTER.sub(r"\1\1", text)
    words = [SLANG.get(word, word) for word in text.split()]
    return " ".join(words)
