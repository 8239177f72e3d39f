import { characterTag, sameNameKey } from './speaker-tags.js';

/** What the reply's first line holds before its first colon; a tag holds no colon or line break. */
const OPENING_LABEL = /^([^:\n\r\u2028\u2029]*):/u;
/** What each line holds before its first colon. */
const LINE_LABELS = /^([^:\n\r\u2028\u2029]*):/gmu;
/** A list item's marker: "- Bob: the chips" lists what a member does, in the persona's own words. */
const LIST_ITEM = /^\s*(?:[-+*•]|\d+[.)])\s/u;

/** The persona's part of a reply, and whether a line written for someone else was cut from it. */
export interface PersonaPart {
  readonly text: string;
  /** True when the text ended where the model went on as another speaker: it is all the persona said. */
  readonly cut: boolean;
}

/**
 * Where the model goes on as a speaker of the prompt (`speakers`, Prompt.speakers) without its
 * quote markers: a line opening with one of their names and a colon ("Bob: …", "BOB:", "B.o.b:",
 * names compared as speaker-tags compares them) starts a turn made up for them, cut with all after
 * it. The persona's own names (`ownNames`: its name and the name it posts under, each also as a
 * character's tag) are never another speaker's: a reply opening with one has it dropped as a
 * prefix, and a line opening with one later ("Joy: brings the cake") is the persona's own words and
 * stays. A reply opening with any other speaker's is someone else's turn, and nothing is left.
 * "Note:", "PS:" or "5:30" are cut only where someone in the prompt is named so. Without speakers,
 * the text stays as it is.
 */
export function cutAtOtherSpeaker(text: string, ownNames: readonly string[], speakers: readonly string[]): PersonaPart {
  if (speakers.length === 0) return { text, cut: false };
  const own = new Set(ownNames.flatMap((name) => [name, characterTag(name)]).map(sameNameKey));
  const names = new Set(speakers.map(sameNameKey).filter((key) => key !== '' && !own.has(key)));
  let reply = text;
  for (let opening = OPENING_LABEL.exec(reply); opening && isNamed(opening[1]!, own); opening = OPENING_LABEL.exec(reply)) {
    reply = reply.slice(opening[0].length).trimStart();
  }
  for (const line of reply.matchAll(LINE_LABELS)) {
    if (isNamed(line[1]!, names)) return { text: reply.slice(0, line.index).trimEnd(), cut: true };
  }
  return { text: reply, cut: false };
}

function isNamed(label: string, names: ReadonlySet<string>): boolean {
  return !LIST_ITEM.test(label) && names.has(sameNameKey(label));
}
