import type { PostAttempt } from '../ports/delivery-ledger.js';
import type { PostedReply, ReplyTarget } from '../ports/persona-replier.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';
import { noteReplyPersona } from './note-reply-persona.js';

/** Other jobs' replies of the same words by the same persona passed over, at most: a handful within minutes is already many. */
const MAX_OTHER_REPLIES = 5;

/**
 * What the look for an earlier attempt's post found: no attempt to look for (or no history to look
 * in), its post (`landed`), or none when it looked (`not-found`), which a post slower than the
 * REST timeout may still become.
 */
export type EarlierPost = 'none' | 'landed' | 'not-found';

/**
 * `landed` when an earlier attempt's post landed although it failed (a 5xx or a timeout after
 * Discord had posted): the ledger then records it, its persona is noted, and this attempt posts
 * nothing. Where the bot may not read the history, nothing is looked for: Discord would show an
 * empty page, and a post that may have landed there ended its job instead (isUnconfirmedPost).
 */
export async function landedEarlier(
  job: Pick<ParsedMessageJob, 'readsHistory'>,
  answered: readonly string[],
  target: ReplyTarget,
  deps: Pick<MessageJobDeps, 'ledger' | 'replier' | 'replyPersonas' | 'logger'>,
): Promise<EarlierPost> {
  if (job.readsHistory === false) return 'none';
  const attempt = await deps.ledger.findAttempt(answered);
  if (!attempt) return 'none';
  const landed = await findOwnPost(answered, target, attempt, deps);
  if (!landed) return 'not-found';
  const noted = attempt.personaKey ? noteReplyPersona(landed.messageId, attempt.personaKey, deps) : undefined;
  await Promise.all([deps.ledger.record(answered, landed.messageId), noted]);
  deps.logger.info({ replyId: landed.messageId }, 'an earlier attempt had posted the reply before it failed');
  return 'landed';
}

/**
 * True when an earlier attempt's post not found by the run's first look has landed since (Discord
 * created it after that look, slower than the REST timeout): looked for once more right before
 * this run sends its own, and recorded as landedEarlier does.
 */
export async function landedSinceFirstLook(
  first: EarlierPost,
  job: Pick<ParsedMessageJob, 'readsHistory'>,
  answered: readonly string[],
  target: ReplyTarget,
  deps: Pick<MessageJobDeps, 'ledger' | 'replier' | 'replyPersonas' | 'logger'>,
): Promise<boolean> {
  if (first !== 'not-found') return false;
  return (await landedEarlier(job, answered, target, deps)) === 'landed';
}

/**
 * The attempt's post in the history, passing over any the ledger recorded as another job's reply:
 * a persona often says the same short words to several members, and those are not this job's.
 */
async function findOwnPost(
  answered: readonly string[],
  target: ReplyTarget,
  attempt: PostAttempt,
  deps: Pick<MessageJobDeps, 'ledger' | 'replier'>,
): Promise<PostedReply | undefined> {
  const besides: string[] = [];
  for (let look = 0; look <= MAX_OTHER_REPLIES; look += 1) {
    const found = await deps.replier.findPosted(target, { ...attempt, besides });
    if (!found) return undefined;
    const answers = await deps.ledger.answeredWith?.(found.messageId);
    if (!answers || answers.some((id) => answered.includes(id))) return found;
    besides.push(found.messageId);
  }
  return undefined;
}
