import type { Redis } from 'ioredis';
import { RedisSettingsStore } from '../adapters/redis/redis-settings-store.js';
import { TerminalReplier } from '../adapters/redis/terminal-replier.js';
import type { Config } from '../config.js';
import type { PersonaSet } from '../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import { handleMessageJob } from '../jobs/handle-message-job.js';
import { NO_CHANNEL_BLOCKS } from '../ports/channel-blocks.js';
import { NO_DELETIONS } from '../ports/deleted-messages.js';
import { NO_EDITS } from '../ports/edited-messages.js';
import type { Logger } from '../ports/logger.js';
import { NO_METRICS } from '../ports/metrics.js';
import { NO_REPLY_LIMITS } from '../ports/reply-limiter.js';
import type { Engines } from '../worker/create-engines.js';
import { createJobWorker, type JobWorker } from '../worker/job-worker.js';
import { RoutingReplier } from '../worker/routing-replier.js';
import { SessionDeliveryLedger } from './session-delivery-ledger.js';

const NO_DISCORD = {
  post: async () => {
    throw new FeelbotError(ErrorCodes.JobInvalid, 'feelbot chat answers only terminal messages.', { permanent: true });
  },
  findPosted: async () => undefined,
};

/**
 * The worker of one `feelbot chat`: the job handler Discord messages go through, on the session's
 * own queue (`queueName`), answering into the session's Redis stream. One job at a time, as one
 * person talks. Its delivery ledger is the session's, in memory: no other worker runs its jobs.
 */
export function createTerminalWorker(redis: Redis, config: Config, personas: PersonaSet, engines: Engines, logger: Logger, queueName: string): JobWorker {
  const ledger = new SessionDeliveryLedger();
  return createJobWorker(
    redis,
    config.redis.prefix,
    {
      // `run` fences the post as the Discord worker's is: a run that lost its lock (a stall) sends nothing.
      reply: (data, log, signal, run) =>
        handleMessageJob(
          data,
          {
            classifier: engines.classifier,
            generator: engines.generator,
            personas,
            settings: new RedisSettingsStore(redis, config.redis.prefix),
            replier: new RoutingReplier({ discord: NO_DISCORD, terminal: new TerminalReplier(redis, config.redis.prefix) }),
            ledger,
            typing: { start: () => () => undefined },
            logger: log,
            metrics: NO_METRICS,
            notifier: { notify: async () => undefined },
            limiter: NO_REPLY_LIMITS,
            deleted: NO_DELETIONS,
            edited: NO_EDITS,
            blocks: NO_CHANNEL_BLOCKS,
          },
          signal,
          run,
        ),
    },
    { concurrency: 1, lockDurationMs: config.jobLockMs, logger, metrics: NO_METRICS, queueName },
  );
}
