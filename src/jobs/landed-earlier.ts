import type { ReplyTarget } from '../ports/persona-replier.js';
import type { MessageJobDeps } from './message-job-deps.js';

/**
 * True when an earlier attempt's post landed although it failed (a 5xx or a timeout after Discord
 * had posted): the ledger then records it, and this attempt posts nothing.
 */
export async function landedEarlier(answered: readonly string[], target: ReplyTarget, deps: Pick<MessageJobDeps, 'ledger' | 'replier' | 'logger'>): Promise<boolean> {
  const attempt = await deps.ledger.findAttempt(answered);
  if (!attempt) return false;
  const landed = await deps.replier.findPosted(target, attempt);
  if (!landed) return false;
  await deps.ledger.record(answered, landed.messageId);
  deps.logger.info({ replyId: landed.messageId }, 'an earlier attempt had posted the reply before it failed');
  return true;
}
