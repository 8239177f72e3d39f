"""Name a subfolder of a model folder as its no-feel-word reader (see feelbot_train/routing.py).

    /usr/bin/python3 training/train_classifier.py --out models/emotion/chat --members gru,gru \\
        --chat-phrases-weight 0.5 --written-self-reports-weight 0.5
    /usr/bin/python3 training/attach_reader.py models/emotion chat

Run it again after retraining the folder's own model: train_classifier.py rewrites config.json.
`--detach` removes the key, so the folder's own model reads every text again.
The reader runs at its own default weights (fp32 from train_classifier.py), so its int8 copy
(onnx/model_quantized.onnx) is removed: it would never be loaded, and models/ has a 25 MB budget.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feelbot_train.routing import CONFIG_KEY  # noqa: E402

# What transformers.js and the app need in a model folder.
REQUIRED_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path, help="the model folder (e.g. models/emotion)")
    parser.add_argument("reader", nargs="?", help="its subfolder holding the reader (e.g. chat)")
    parser.add_argument("--detach", action="store_true", help="remove the reader from config.json")
    args = parser.parse_args()
    config_path = args.model / "config.json"
    config = json.loads(config_path.read_text())
    if args.detach:
        config.pop(CONFIG_KEY, None)
    else:
        if not args.reader:
            parser.error("name the reader subfolder, or pass --detach")
        reader_dir = args.model / args.reader
        missing = [name for name in REQUIRED_FILES if not (reader_dir / name).exists()]
        if missing:
            sys.exit(f"{reader_dir} is not a model folder: missing {', '.join(missing)}")
        reader_config = json.loads((reader_dir / "config.json").read_text())
        # The app runs its one chat normaliser before either model; a reader must expect one.
        if not reader_config.get("feelbot_normalizer"):
            sys.exit(f"{reader_dir} was not trained by train_classifier.py: its config.json names no feelbot_normalizer")
        if reader_config.get("feelbot_default_dtype", "fp32") != "fp32":
            sys.exit(f"{reader_dir} defaults to {reader_config['feelbot_default_dtype']} weights; a reader ships fp32")
        (reader_dir / "onnx" / "model_quantized.onnx").unlink(missing_ok=True)
        config[CONFIG_KEY] = args.reader
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    print(json.dumps({"model": str(args.model), CONFIG_KEY: config.get(CONFIG_KEY)}))


if __name__ == "__main__":
    main()
