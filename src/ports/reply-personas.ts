import type { Emotion } from '../domain/emotions.js';

/**
 * Which persona posted each reply, by its key ('joy'), under the reply's message id: noted by the
 * worker that posted it, read by the gateway. A server may rename a persona, so the name a reply
 * was posted under cannot tell the answering persona's own replies from another's.
 */
export interface ReplyPersonas {
  record(replyId: string, persona: Emotion): Promise<void>;
  /** The persona of each of these messages that was noted; the others are left out. */
  personasOf(messageIds: readonly string[]): Promise<ReadonlyMap<string, Emotion>>;
}
