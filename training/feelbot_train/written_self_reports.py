"""ISEAR-style self-reports written for this project, from training/data/self-report-events.json.

dair-ai holds about 200 questionnaire answers that describe an event and name no emotion ("when my
father shouted at me for going to a party;anger"); the model got 14 of the 24 in validation wrong,
mostly by calling them neutral. The file gives, per label, events (clauses that can follow "when")
and moments (noun phrases), which the frames below turn into answers. Neutral gets mundane events, so
the questionnaire form alone does not mean an emotion. Every fifth event and moment is held out, so
the evaluation set describes situations the model never saw (in frames it did see).

A second file, self-report-events-b.json (nineteenth session), has the same form with other events,
moments and frames, written by an author who saw neither dair-ai's self-reports nor the data sets;
`--second-self-reports-weight` trains on it (probe V, training/README.md). A third,
self-report-events-c.json (twenty-first session), has the widest variety for anger and fear, the two
labels real self-reports are still read worst on; `--third-self-reports-weight` trains on it (probe X).
"""

import json
import random
from pathlib import Path

from .held_out import share
from .labels import LABEL_TO_ID

SELF_REPORTS_FILE = Path(__file__).resolve().parent.parent / "data" / "self-report-events.json"
SECOND_SELF_REPORTS_FILE = SELF_REPORTS_FILE.with_name("self-report-events-b.json")
THIRD_SELF_REPORTS_FILE = SELF_REPORTS_FILE.with_name("self-report-events-c.json")


def _answers(spec, parts, part):
    """Every frame filled with every event or moment of the `part` share, for one label."""
    events = share(parts["events"], part)
    moments = share(parts["moments"], part)
    return ([frame.format(event=e) for frame in spec["event_frames"] for e in events]
            + [frame.format(moment=m) for frame in spec["moment_frames"] for m in moments])


def written_self_report_examples(part, per_label, seed, path=SELF_REPORTS_FILE):
    """(texts, label ids): up to `per_label` distinct answers per label from the 'train' or 'heldout' share."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    rng = random.Random(seed)
    texts, labels = [], []
    for label, parts in spec["labels"].items():
        answers = sorted(set(_answers(spec, parts, part)))
        chosen = sorted(rng.sample(answers, min(per_label, len(answers))))
        texts += chosen
        labels += [LABEL_TO_ID[label]] * len(chosen)
    return texts, labels
