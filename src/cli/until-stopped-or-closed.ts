import { FeelbotError } from '../errors.js';
import type { RunningGateway } from '../gateway/start-gateway.js';
import type { Logger } from '../ports/logger.js';

/**
 * Waits for a stop signal, or for Discord to close one of `gateway`'s shards for good, and logs
 * `message` either way. A shard closed for good leaves the gateway deaf: its DISCORD_SESSION_CLOSED
 * is thrown, for the caller to stop as at a signal and the process to exit 1 for its supervisor.
 */
export async function untilStoppedOrClosed(stopped: Promise<NodeJS.Signals>, gateway: RunningGateway, logger: Logger, message: string): Promise<void> {
  const ended = await Promise.race([stopped, gateway.closedForGood]);
  if (ended instanceof FeelbotError) {
    logger.error({ code: ended.code }, message);
    throw ended;
  }
  logger.info({ signal: ended }, message);
}
