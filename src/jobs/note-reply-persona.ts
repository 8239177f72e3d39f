import type { Emotion } from '../domain/emotions.js';
import { errorCodeOf } from '../errors.js';
import type { MessageJobDeps } from './message-job-deps.js';

/**
 * Notes which persona posted a reply, for the gateway's later prompts. The reply is posted
 * whatever happens here: a failure only leaves it read as the answering persona's own, as before.
 */
export async function noteReplyPersona(replyId: string, persona: Emotion, deps: Pick<MessageJobDeps, 'replyPersonas' | 'logger'>): Promise<void> {
  try {
    await deps.replyPersonas?.record(replyId, persona);
  } catch (error) {
    deps.logger.warn({ err: error, code: errorCodeOf(error), replyId }, 'could not note which persona posted the reply');
  }
}
