"""feelbot's label ids: dair-ai/emotion's six in Hugging Face order, then neutral."""

LABELS = ["sadness", "joy", "love", "anger", "fear", "surprise", "neutral"]
EMOTION_LABELS = LABELS[:6]
LABEL_TO_ID = {label: i for i, label in enumerate(LABELS)}
NEUTRAL_ID = LABEL_TO_ID["neutral"]

# GoEmotions' 28 names onto ours, exactly as shared/data/goemotions/README.md specifies.
# confusion and desire map to nothing, so comments carrying them are left out.
GOEMOTIONS_TO_LABEL = {
    "sadness": "sadness", "grief": "sadness", "disappointment": "sadness", "remorse": "sadness",
    "embarrassment": "sadness",
    "joy": "joy", "amusement": "joy", "excitement": "joy", "gratitude": "joy", "optimism": "joy",
    "relief": "joy", "pride": "joy", "admiration": "joy", "approval": "joy",
    "love": "love", "caring": "love",
    "anger": "anger", "annoyance": "anger", "disapproval": "anger", "disgust": "anger",
    "fear": "fear", "nervousness": "fear",
    "surprise": "surprise", "realization": "surprise", "curiosity": "surprise",
    "neutral": "neutral",
}

# DailyDialog's emotions, mapped as its README says ("no emotion" is our neutral).
DAILYDIALOG_TO_LABEL = {
    "happiness": "joy", "disgust": "anger", "anger": "anger", "sadness": "sadness",
    "fear": "fear", "surprise": "surprise", "no emotion": "neutral",
}
