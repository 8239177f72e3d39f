import type { Emotion } from './emotions.js';

/** A message of the recent conversation, as the gateway saw it. */
export interface ConversationMessage {
  /** The Discord message it was, where known; a burst drops its own messages from the context by it. */
  readonly messageId?: string | undefined;
  readonly authorName: string;
  /** Who wrote it (their Discord user id), where known: two members of one display name are two speakers. */
  readonly authorId?: string | undefined;
  readonly content: string;
  /** Set when one of feelbot's personas wrote it: the name it posted under (a server may have renamed it). */
  readonly persona?: string | undefined;
  /**
   * Which persona wrote it (its key, 'joy'), where the worker that posted it noted it: another
   * persona's words are then quoted as that character's, not as the answering persona's own.
   */
  readonly personaKey?: Emotion | undefined;
  /**
   * True on the message the one answered replies to (the first link of its reply chain), where the
   * gateway marked it: a prompt cut to fit the model's context keeps it while older messages go.
   */
  readonly repliedTo?: boolean | undefined;
}
