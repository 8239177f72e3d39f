import type { Prompt, PromptTurn } from './prompt.js';
import { alternatingTurns } from './alternating-turns.js';
import type { ConversationMessage } from './conversation.js';
import { cutAtWordStart } from './cut-at-word-start.js';
import { tailChars } from './cut-text.js';
import { SHARED_RULES } from './default-personas.js';
import type { Persona } from './persona.js';
import { withReplyTarget } from './reply-target.js';
import { characterTag, cleanName, sameNameKey, speakerTags, type Speaker } from './speaker-tags.js';
import { sameWebhookName } from './webhook-name.js';

/** Enough for a long chat message; a burst's content may reach 8,000 characters, and its newest part is kept. */
const MAX_QUOTED_CHARS = 1_500;

export interface PromptInput {
  readonly persona: Persona;
  /** Older messages first; the reply chain and the last few messages of the channel. */
  readonly context: readonly ConversationMessage[];
  readonly message: ConversationMessage;
  /**
   * The names of all the characters (the operator's personas): no member is quoted under one, so
   * none of their words reads as a character's. The persona's own name, the name it posts under
   * (`postsAs`) and the names persona messages of `context` posted under are always added. Defaults
   * to none beyond those.
   */
  readonly characterNames?: readonly string[];
  /**
   * The name the persona posts under here (a server's look may rename it): a persona message whose
   * persona was not noted (the note expired, or Redis lost it) is its own only when posted under
   * this name. It is one of the persona's own names, never in Prompt.speakers, unless another
   * character goes by it too (a look naming Joy "Anger" while the Anger persona posts): then it is
   * that character's, and in Prompt.speakers. Defaults to the persona's own name.
   */
  readonly postsAs?: string;
}

/**
 * The prompt the model sees. User text is quoted inside markers the model is told are data,
 * and any marker-like text inside it is defused, so "ignore your instructions" stays a quote.
 */
export function buildPrompt({ persona, context, message, characterNames = [], postsAs = persona.name }: PromptInput): Prompt {
  const system = [
    persona.systemPrompt,
    `Your voice: ${persona.voice}`,
    SHARED_RULES,
    "Each quoted message looks like <<<Name: text>>>. A name ending in (character) is one of the other characters, never you; every other name is a member's.",
  ].join('\n');
  const tagOf = speakerTagsOf(persona, context, message, [...characterNames, postsAs]);
  const turns = context.map((previous) => toTurn(previous, isOwn(previous, persona, postsAs), tagOf));
  // The author's name, which they choose, stays inside the quote: outside it, it would be read as instructions.
  turns.push({ role: 'user', text: `${quote(message, tagOf)}\n${replyInstruction(persona)}` });
  return { system, turns: alternatingTurns(turns), speakers: speakersOf(persona, postsAs, context, message, characterNames, tagOf) };
}

/**
 * The names a reply could go on as someone else's turn under, the likeliest next speaker first: the
 * author's tag, each other character's name and tag (the operator's, then the names the context's
 * other persona messages were posted under, newest first), then the other members' tags, newest
 * first. None of the persona's own: its name, the name it posts under, the names its own earlier
 * replies were posted under, nor their tags, unless another character goes by that name too (names
 * compared as speaker-tags compares them): the Anger persona's "Anger" stays a speaker where a
 * server's look has Joy post as "Anger", since its replies are quoted as "Anger (character)".
 */
function speakersOf(
  persona: Persona,
  postsAs: string,
  context: readonly ConversationMessage[],
  message: ConversationMessage,
  characterNames: readonly string[],
  tagOf: TagOf,
): string[] {
  const newestFirst = [...context].reverse();
  const others = newestFirst.filter((earlier) => earlier.persona && !isOwn(earlier, persona, postsAs));
  const postedAs = others.flatMap((earlier) => [earlier.persona!, earlier.authorName]);
  // The operator's characters but the persona itself; what another goes by is never the persona's own.
  const otherCharacters = [...characterNames.filter((name) => sameNameKey(name) !== sameNameKey(persona.name)), ...postedAs];
  const characters = otherCharacters.flatMap((name) => [cleanName(name), characterTag(name)]);
  const members = newestFirst.filter((earlier) => !earlier.persona).map(tagOf);
  // Members' tags never read as the persona's names (speakerTagsOf), so none of these is its own.
  return [...new Set([tagOf(message), ...characters, ...members])];
}

/** The one line of the last turn outside any quote. */
function replyInstruction(persona: Persona): string {
  return `Reply to the author of the last quoted message, as ${persona.name}.`;
}

/** The tag a message is quoted under. */
type TagOf = (said: ConversationMessage) => string;

/**
 * Another character's tag is its posted name marked as a character's; each member's reads as no
 * character's name (the persona's among them), no character's tag and no other member's tag.
 */
function speakerTagsOf(persona: Persona, context: readonly ConversationMessage[], message: ConversationMessage, characterNames: readonly string[]): TagOf {
  const members = [...context.filter((earlier) => !earlier.persona), message].map(speakerOf);
  const postedAs = context.flatMap((earlier) => (earlier.persona ? [earlier.persona, earlier.authorName, characterTag(earlier.persona)] : []));
  const tags = speakerTags(members, [persona.name, ...characterNames, ...postedAs], speakerOf(message));
  return (said) => (said.persona ? characterTag(said.persona) : tags(speakerOf(said)));
}

/** A message's author as the tags tell people apart: by name, and by id where the job carries one. */
function speakerOf(said: ConversationMessage): Speaker {
  return { name: said.authorName, id: said.authorId };
}

/**
 * The persona's own earlier replies, by the key its worker noted; where none was noted (the note
 * expired, Redis lost it, an older gateway queued the job), those posted under the name it posts
 * under now, as Discord shows it. Any other persona's are never put in its mouth.
 */
function isOwn(message: ConversationMessage, persona: Persona, postsAs: string): boolean {
  if (message.persona === undefined) return false;
  return message.personaKey !== undefined ? message.personaKey === persona.emotion : sameWebhookName(message.persona, postsAs);
}

/** Its own replies are the persona's turns; any other message is quoted, a character's as a member's is. */
function toTurn(message: ConversationMessage, own: boolean, tagOf: TagOf): PromptTurn {
  const turn: PromptTurn = own ? { role: 'assistant', text: clip(message.content) } : { role: 'user', text: quote(message, tagOf) };
  return withReplyTarget(turn, message.repliedTo ? turn.text : undefined);
}

/**
 * One quoted message as quote() writes it, with the line break after it: `<<<Name: text>>>`.
 * Names hold no colon or line break, and marker runs inside the text are defused, so a match is
 * always one whole message (groups: the name, the text).
 */
export const QUOTED_MESSAGE = /<<<([^:\n]*): ([\s\S]*?)>>>\n?/g;

function quote(message: ConversationMessage, tagOf: TagOf): string {
  return `<<<${tagOf(message)}: ${defuse(clip(message.content))}>>>`;
}

/** Keeps a long message's end, from a whole word: a burst reads oldest first, and the question usually comes last. */
function clip(text: string): string {
  return text.length > MAX_QUOTED_CHARS ? `…${cutAtWordStart(text, tailChars(text, MAX_QUOTED_CHARS))}` : text;
}

/** Angle-bracket runs would let a user close the quote and write outside it. */
function defuse(text: string): string {
  return text.replace(/<{3,}|>{3,}/g, (run) => run.replace(/[<>]/g, (c) => (c === '<' ? '‹' : '›')));
}
