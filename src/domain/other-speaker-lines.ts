import { characterTag, sameNameKey, TAG_COLONS } from './speaker-tags.js';

/** What a line holds before its first colon (of TAG_COLONS, "Bob：" in CJK text too); a tag holds no colon or line break. */
const LABEL = `^([^${TAG_COLONS}\\n\\r\\u2028\\u2029]*)[${TAG_COLONS}]`;
/** What the reply's first line holds before its first colon. */
const OPENING_LABEL = new RegExp(LABEL, 'u');
/** What each line holds before its first colon. */
const LINE_LABELS = new RegExp(LABEL, 'gmu');
/**
 * A list item's marker: "- Bob: the chips" lists what a member does, in the persona's own words.
 * CJK lists ("・ボブ：ポテト", "１．アン：ケーキ", "①…") need no space after theirs.
 */
const LIST_ITEM = /^\s*(?:(?:[-+*•]|\d+[.)])\s|(?:[・●○■◆※▪]|[０-９]+[．）]|[①-⑳]))/u;

/** The persona's part of a reply, and whether a line written for someone else was cut from it. */
export interface PersonaPart {
  readonly text: string;
  /** True when the text ended where the model went on as another speaker: it is all the persona said. */
  readonly cut: boolean;
}

/** A fenced code block the text closes: a speaker's name opening a line inside it is code, not a turn. */
const CLOSED_CODE_BLOCK = /```[\s\S]*?```/g;

/**
 * The persona's own names of `names` (its name, the name it posts under): those no speaker of the
 * prompt (`speakers`, Prompt.speakers) goes by, as given or as a character's tag, names compared as
 * speaker-tags compares them. A server's look may give it another character's name ("Anger" while
 * the Anger persona posts too): that name stays the other's, so a line opening with it is cut.
 */
export function ownNamesAmong(names: readonly string[], speakers: readonly string[]): string[] {
  const taken = new Set(speakers.map(sameNameKey));
  return names.filter((name) => !taken.has(sameNameKey(name)) && !taken.has(sameNameKey(characterTag(name))));
}

/**
 * Where the model goes on as a speaker of the prompt (`speakers`, Prompt.speakers) without its
 * quote markers: a line opening with one of their names and a colon of TAG_COLONS ("Bob: …",
 * "BOB:", "B.o.b:", "Bob：…", names compared as speaker-tags compares them) starts a turn made up for
 * them, cut with all after it. A line inside a fenced code block the text closes is code ("Bob: ok" in the persona's own
 * block stays); after a fence nothing closes, lines are read as the rest. The persona's own names
 * (`ownNames`, already as ownNamesAmong keeps them; each also as a character's tag) are never another
 * speaker's: a reply opening with one has it dropped as a prefix, and a line opening with one later
 * ("Joy: brings the cake") is the persona's own words and stays. A reply opening with any other
 * speaker's is someone else's turn, and nothing is left. "Note:", "PS:" or "5:30" are cut only
 * where someone in the prompt is named so. Without speakers, the text stays as it is.
 */
export function cutAtOtherSpeaker(text: string, ownNames: readonly string[], speakers: readonly string[]): PersonaPart {
  if (speakers.length === 0) return { text, cut: false };
  const own = new Set(ownNames.flatMap((name) => [name, characterTag(name)]).map(sameNameKey));
  const names = new Set(speakers.map(sameNameKey).filter((key) => key !== ''));
  let reply = text;
  for (let opening = OPENING_LABEL.exec(reply); opening && isNamed(opening[1]!, own); opening = OPENING_LABEL.exec(reply)) {
    reply = reply.slice(opening[0].length).trimStart();
  }
  const code = [...reply.matchAll(CLOSED_CODE_BLOCK)].map((block) => ({ start: block.index, end: block.index + block[0].length }));
  for (const line of reply.matchAll(LINE_LABELS)) {
    if (code.some(({ start, end }) => line.index >= start && line.index < end)) continue;
    if (isNamed(line[1]!, names)) return { text: reply.slice(0, line.index).trimEnd(), cut: true };
  }
  return { text: reply, cut: false };
}

function isNamed(label: string, names: ReadonlySet<string>): boolean {
  return !LIST_ITEM.test(label) && names.has(sameNameKey(label));
}
