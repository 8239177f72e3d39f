import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { QueueEvents } from 'bullmq';
import { MessageQueue } from '../../adapters/bullmq/message-queue.js';
import { TERMINAL_QUEUE } from '../../adapters/bullmq/queue-names.js';
import { loadPersonas } from '../../adapters/files/persona-file.js';
import { checkRedisReachable } from '../../adapters/redis/check-redis-reachable.js';
import { createRedis } from '../../adapters/redis/redis-connection.js';
import { RedisDeliveryLedger } from '../../adapters/redis/redis-delivery-ledger.js';
import { RedisSettingsStore } from '../../adapters/redis/redis-settings-store.js';
import { TerminalReplier } from '../../adapters/redis/terminal-replier.js';
import { TerminalSession, type TurnResult } from '../../chat/terminal-session.js';
import { replyWaitMs } from '../../chat/reply-wait.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { handleMessageJob } from '../../jobs/handle-message-job.js';
import { NO_METRICS } from '../../ports/metrics.js';
import { NO_CHANNEL_BLOCKS } from '../../ports/channel-blocks.js';
import { NO_DELETIONS } from '../../ports/deleted-messages.js';
import { NO_EDITS } from '../../ports/edited-messages.js';
import { NO_REPLY_LIMITS } from '../../ports/reply-limiter.js';
import { checkLoraFiles } from '../../worker/check-lora-files.js';
import { checkPersonasFitEngines } from '../../worker/check-personas-fit-engines.js';
import { createEngines } from '../../worker/create-engines.js';
import { createJobWorker } from '../../worker/job-worker.js';
import { RoutingReplier } from '../../worker/routing-replier.js';
import type { Command } from '../command.js';

const NO_DISCORD = {
  post: async () => {
    throw new FeelbotError(ErrorCodes.JobInvalid, 'feelbot chat answers only terminal messages.', { permanent: true });
  },
  findPosted: async () => undefined,
};

export const chatCommand: Command = {
  name: 'chat',
  usage: 'chat',
  summary: 'talk to the personas in this terminal (no Discord needed; uses Redis and the models)',
  async run({ config, logger, stopped }) {
    // Only at start-up, before the models load: without Redis the session could not hold a turn.
    await checkRedisReachable(config.redis.url);
    // The personas and models before any connection opens: an open one would keep a failed start-up from exiting.
    const personas = await loadPersonas(config.personasFile);
    await checkLoraFiles(personas);
    const engines = await createEngines(config, logger, NO_METRICS);
    await checkPersonasFitEngines(personas, config, engines);
    const redis = createRedis(config.redis.url, 'worker', 'feelbot-chat');
    const queue = new MessageQueue(redis, config.redis.prefix, TERMINAL_QUEUE);
    // QueueEvents blocks on its connection, so it gets one of its own.
    const eventsConnection = createRedis(config.redis.url, 'worker', 'feelbot-chat-events');
    const events = new QueueEvents(TERMINAL_QUEUE, { connection: eventsConnection, prefix: config.redis.prefix });
    const worker = createJobWorker(
      redis,
      config.redis.prefix,
      {
        reply: (data, log, signal) =>
          handleMessageJob(
            data,
            {
              classifier: engines.classifier,
              generator: engines.generator,
              personas,
              settings: new RedisSettingsStore(redis, config.redis.prefix),
              replier: new RoutingReplier({ discord: NO_DISCORD, terminal: new TerminalReplier(redis, config.redis.prefix) }),
              ledger: new RedisDeliveryLedger(redis, config.redis.prefix),
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
          ),
      },
      { concurrency: 1, lockDurationMs: config.jobLockMs, logger, metrics: NO_METRICS, queueName: TERMINAL_QUEUE },
    );
    const session = new TerminalSession(queue.queue, events, redis, config.redis.prefix, userInfo().username || 'you', replyWaitMs(config.llm.timeoutMs));
    const interactive = process.stdin.isTTY === true;
    const terminal = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
    terminal.setPrompt('you> ');
    // Once closed (Ctrl-D, the end of piped input, a stop signal), no prompt: it would reopen the input.
    let closed = false;
    terminal.once('close', () => (closed = true));
    // Ctrl-C or SIGTERM ends the session as Ctrl-D does, also while a reply is being written.
    const stop = new AbortController();
    void stopped.then(() => {
      stop.abort();
      terminal.close();
    });
    if (interactive) {
      process.stdout.write('Talk to the personas. Ctrl-D to leave.\n');
      terminal.prompt();
    }
    try {
      // Lines typed (or piped) while a reply is being written wait their turn in the iterator.
      for await (const line of terminal) {
        if (line.trim()) process.stdout.write(`${formatTurn(await session.say(line, stop.signal))}\n`);
        if (stop.signal.aborted) break;
        if (interactive && !closed) terminal.prompt();
      }
    } finally {
      terminal.close();
      await worker.stop(5_000);
      await events.close();
      await queue.close();
      await engines.dispose();
      eventsConnection.disconnect();
      redis.disconnect();
    }
  },
};

function formatTurn(result: TurnResult): string {
  if (result.kind === 'silent') return `(no reply: ${result.reason})`;
  if (result.kind === 'lost') return `(reply lost: ${result.reason}; say something else to go on)`;
  if (result.kind === 'refused') return `(not sent: ${result.reason} (${result.code}))`;
  const { reply } = result;
  return `(${reply.emotion} ${Math.round(reply.confidence * 100)}%) ${reply.persona}: ${reply.content}`;
}
