import { errorCodeOf } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import { MessageJobSchema } from './message-job.js';

/** Only where the lost reply belonged; read leniently, since a malformed job is given up too. */
const ReplyTargetSchema = MessageJobSchema.pick({ messageId: true, channelId: true }).partial();

/**
 * A reply that will not be tried again. Nobody waits on a spinner for it, so there is nothing to
 * answer; the operator sees it at error level, apart from the failures that will be retried. This
 * is its one error line: the worker logs the failure itself at warn, whether its handler threw or
 * it stalled too often.
 */
export async function giveUpReply(data: unknown, error: unknown, log: Logger): Promise<void> {
  const target = ReplyTargetSchema.safeParse(data);
  const { messageId, channelId } = target.success ? target.data : {};
  log.error({ messageId, channelId, code: errorCodeOf(error) }, 'reply given up');
}
