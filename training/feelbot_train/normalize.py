"""Turn Discord chat into text shaped like dair-ai/emotion (lower-case, no punctuation but "?" and "!").

Mirrored line for line by src/domain/normalize-chat-text.ts; test/unit/normalize-chat-text.test.ts
runs training/make_normalizer_fixture.py and checks that both give the same output.
Only ASCII survives. Past ASCII, the only Unicode data either side reads is NFKD and the general
categories M (combining marks) and Cf (format characters), which agree for every character both
languages' tables assign (Python 3.11 has Unicode 14, Node 20 15 or later); newer characters may
come out differently.
"""

import re
import unicodedata

V2 = "feelbot-chat-v2"
V3 = "feelbot-chat-v3"
V4 = "feelbot-chat-v4"
V5 = "feelbot-chat-v5"
# Bump when the behaviour changes; config.json records it so the app knows which normaliser the model expects.
NORMALIZER_VERSION = V5
# The shipped model was trained through v2. v3 differs only on HTML entities, pasted handles and
# hashtags; v4 on non-ASCII characters (a space instead of nothing) and Discord's timestamp and
# command markup; v5 on camel-case custom emoji names. Training can still run v2 so that the retrain
# command reproduces the shipped weights.
NORMALIZER_VERSIONS = (V2, V3, V4, V5)

# The HTML entities tweets and scraped text carry ("&lt;3" is a heart once decoded). (v3)
ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&#39;": "'"}
ENTITY = re.compile("|".join(re.escape(e) for e in ENTITIES))
CODE_BLOCK = re.compile(r"```[\s\S]*?(```|$)")
INLINE_CODE = re.compile(r"`[^`]*`")
URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
# User, role and channel mentions carry no emotion.
MENTION = re.compile(r"<(@[!&]?|#)[0-9]+>")
# Neither do timestamps ("<t:1700000000:R>", shown as "in 2 hours") or command mentions
# ("</feel now:123>"); a command is a name plus up to two sub-command words. (v4)
TIMESTAMP = re.compile(r"<t:[0-9]+(:[tTdDfFR])?>")
COMMAND_MENTION = re.compile(r"</[^\x00-\x20:<>/]+( [^\x00-\x20:<>/]+){0,2}:[0-9]+>")
# Custom emoji keep their name, which often says the feeling (<:pepe_sad:123> -> "pepe sad"); a
# camel-case name is read as its words, like a hashtag's (<:sadCat:123> -> "sad Cat"). (v5)
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
# ‘ and ʼ stand in for an apostrophe too ("can‘t"); before v4 they vanished with the rest of non-ASCII.
APOSTROPHES_V4 = re.compile(r"['’`‘ʼ]")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
NON_ALNUM = re.compile(r"[^a-z0-9?!]+")
# "?" and "!" are kept as words of their own: a question is how chat shows curiosity (GoEmotions'
# curiosity maps to surprise) and "!" its intensity. A run of them becomes one mark; "?" wins in "?!".
MARK_RUN = re.compile(r"[?!]+")
# Three or more of one letter ("sooooo") become two, which keeps "good" and "too" intact.
REPEATED_LETTER = re.compile(r"([a-z])\1{2,}")


def inside_word(ch: str) -> bool:
    """A combining mark (M*) or an invisible format character (Cf): it goes without leaving a space. (v4)"""
    category = unicodedata.category(ch)
    return category[0] == "M" or category == "Cf"


def normalize_chat_text(text: str, version: str = NORMALIZER_VERSION) -> str:
    if version not in NORMALIZER_VERSIONS:
        raise ValueError(f"unknown normaliser {version!r}; known: {', '.join(NORMALIZER_VERSIONS)}")
    since_v3 = version != V2
    since_v4 = version in (V4, V5)
    v5 = version == V5
    if since_v3:
        text = ENTITY.sub(lambda m: ENTITIES[m.group(0)], text)
    text = CODE_BLOCK.sub(" ", text)
    text = INLINE_CODE.sub(" ", text)
    text = URL.sub(" ", text)
    text = MENTION.sub(" ", text)
    if since_v4:
        text = TIMESTAMP.sub(" ", text)
        text = COMMAND_MENTION.sub(" ", text)
    if since_v3:
        text = HANDLE.sub(" ", text)
        text = HASHTAG.sub(lambda m: " " + CAMEL_BOUNDARY.sub(r"\1 \2", m.group(1)) + " ", text)
    if v5:
        text = CUSTOM_EMOJI.sub(lambda m: " " + CAMEL_BOUNDARY.sub(r"\1 \2", m.group(1)).replace("_", " ") + " ", text)
    else:
        text = CUSTOM_EMOJI.sub(lambda m: " " + m.group(1).replace("_", " ") + " ", text)
    text = EMOTICON.sub(lambda m: " " + EMOTICON_WORDS[m.group(1).lower()] + " ", text)
    text = "".join(" " + EMOJI_TO_WORD[ch] + " " if ch in EMOJI_TO_WORD else ch for ch in text)
    # NFKD splits accents off letters ("café" -> "cafe") and folds wide forms ("ＯＫ" -> "OK").
    text = unicodedata.normalize("NFKD", text)
    # Before the non-ASCII step, so that "don’t" stays one word.
    text = (APOSTROPHES_V4 if since_v4 else APOSTROPHES).sub("", text)
    if since_v4:
        # Accents and invisible format characters (soft hyphen, zero-width space and joiner, bidi
        # marks) go; any other non-ASCII character (a dash, an emoji, a CJK letter) parts words.
        text = "".join("" if inside_word(ch) else ch for ch in text)
        text = NON_ASCII.sub(" ", text)
    else:
        # Everything non-ASCII is dropped, which glues "whatever—sad" into one word.
        text = "".join(ch for ch in text if ord(ch) < 128)
    text = text.lower()
    text = NON_ALNUM.sub(" ", text)
    text = MARK_RUN.sub(lambda m: " ? " if "?" in m.group(0) else " ! ", text)
    text = REPEATED_LETTER.sub(r"\1\1", text)
    words = [SLANG.get(word, word) for word in text.split()]
    return " ".join(words)
