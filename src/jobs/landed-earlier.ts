import type { ReplyTarget } from '../ports/persona-replier.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';
import { noteReplyPersona } from './note-reply-persona.js';

/**
 * True when an earlier attempt's post landed although it failed (a 5xx or a timeout after Discord
 * had posted): the ledger then records it, its persona is noted, and this attempt posts nothing.
 * Where the bot may not read the history, nothing is looked for: Discord would show an empty page,
 * and a post that may have landed there ended its job instead (isUnconfirmedPost).
 */
export async function landedEarlier(
  job: Pick<ParsedMessageJob, 'readsHistory'>,
  answered: readonly string[],
  target: ReplyTarget,
  deps: Pick<MessageJobDeps, 'ledger' | 'replier' | 'replyPersonas' | 'logger'>,
): Promise<boolean> {
  if (job.readsHistory === false) return false;
  const attempt = await deps.ledger.findAttempt(answered);
  if (!attempt) return false;
  const landed = await deps.replier.findPosted(target, attempt);
  if (!landed) return false;
  const noted = attempt.personaKey ? noteReplyPersona(landed.messageId, attempt.personaKey, deps) : undefined;
  await Promise.all([deps.ledger.record(answered, landed.messageId), noted]);
  deps.logger.info({ replyId: landed.messageId }, 'an earlier attempt had posted the reply before it failed');
  return true;
}
