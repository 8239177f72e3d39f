import { createInterface } from 'node:readline';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { MessageQueue } from '../../adapters/bullmq/message-queue.js';
import { terminalQueueName } from '../../adapters/bullmq/queue-names.js';
import { loadPersonas } from '../../adapters/files/persona-file.js';
import { checkRedisReachable } from '../../adapters/redis/check-redis-reachable.js';
import { createRedis } from '../../adapters/redis/redis-connection.js';
import { RedisDataWatch } from '../../adapters/redis/redis-data-watch.js';
import { ABANDONED_GRACE_MS, removeAbandonedSessions } from '../../chat/abandoned-sessions.js';
import { SessionHeartbeat } from '../../chat/session-heartbeat.js';
import { TerminalMessages } from '../../chat/terminal-messages.js';
import { terminalSafeText } from '../../chat/terminal-safe-text.js';
import { TerminalSession, type TurnResult } from '../../chat/terminal-session.js';
import { terminalUserName } from '../../chat/terminal-user-name.js';
import { createTerminalWorker } from '../../chat/terminal-worker.js';
import { replyWaitMs } from '../../chat/reply-wait.js';
import type { Config } from '../../config.js';
import type { PersonaSet } from '../../domain/persona.js';
import { localSnowflake } from '../../domain/snowflake.js';
import { ErrorCodes } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
import { NO_METRICS } from '../../ports/metrics.js';
import { withinMs } from '../../time-limit.js';
import { checkLoraFiles } from '../../worker/check-lora-files.js';
import { checkPersonasFitEngines } from '../../worker/check-personas-fit-engines.js';
import { createEngines, type Engines } from '../../worker/create-engines.js';
import { unlessStopped, type Command } from '../command.js';
import { settleStoppedStartUp } from '../stopped-start-up.js';
import { endFirstWhenStdoutReaderLeaves } from '../stdout-reader-gone.js';

/**
 * Longest wait for the killed sessions' leftovers to be removed at start-up: the grace given a session
 * without its heartbeat (only when there is one), then 10 s for Redis; it must not keep the person waiting longer.
 */
const ABANDONED_REMOVAL_MS = ABANDONED_GRACE_MS + 10_000;
/** Longest wait for Redis to remove the heartbeat at the end; left behind, it lapses within its TTL. */
const HEARTBEAT_REMOVAL_MS = 2_000;

export const chatCommand: Command = {
  name: 'chat',
  usage: 'chat',
  summary: 'talk to the personas in this terminal (no Discord needed; uses Redis and the models)',
  // A closed terminal must not leave the person's lines and replies in Redis.
  stopsOnHangUp: true,
  async run({ config, logger, stopped, signal }) {
    // What start-up finds at Redis, for the session's connection to warn of (REDIS_NOT_PERSISTENT), as the gateway's and worker's do.
    const dataWatch = new RedisDataWatch();
    // The first chat downloads the reply model, which can take minutes: a stop signal ends it, exiting 0 as any stop.
    const starting = loadModels(config, logger, signal, dataWatch);
    const loaded = await unlessStopped(starting, signal, (late) => late.engines.dispose());
    if (!loaded) {
      await settleStoppedStartUp(starting, signal, logger);
      logger.info({ signal: await stopped }, 'stopped before the chat was ready');
      return;
    }
    const { personas, engines } = loaded;
    const redis = createRedis(config.redis.url, 'worker', 'feelbot-chat', logger, { dataWatch });
    // A queue of the session's own: another session on this Redis and prefix never takes its lines.
    const sessionId = localSnowflake();
    // Set before any of the session's keys: a session starting meanwhile never takes them for a killed one's.
    const heartbeat = new SessionHeartbeat(redis, config.redis.prefix, sessionId);
    try {
      await heartbeat.start();
    } catch (error) {
      redis.disconnect();
      await engines.dispose();
      throw error;
    }
    await removeAbandoned(redis, config.redis.prefix, sessionId, logger, signal);
    const queueName = terminalQueueName(sessionId);
    const queue = new MessageQueue(redis, config.redis.prefix, queueName);
    // QueueEvents blocks on its connection, so it gets one of its own.
    const eventsConnection = createRedis(config.redis.url, 'worker', 'feelbot-chat-events');
    const events = new QueueEvents(queueName, { connection: eventsConnection, prefix: config.redis.prefix });
    const worker = createTerminalWorker(redis, config, personas, engines, logger, queueName);
    const session = new TerminalSession(queue.queue, events, redis, config.redis.prefix, terminalUserName(), replyWaitMs(config.llm.timeoutMs), sessionId);
    const interactive = process.stdin.isTTY === true;
    const terminal = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
    const messages = new TerminalMessages(terminal, process.stdin, process.stdout, interactive);
    // An exit that skips the finally below (a failure, the forced exit after a stop) leaves the terminal as found too.
    const restoreTerminal = (): void => messages.close();
    process.once('exit', restoreTerminal);
    terminal.setPrompt('you> ');
    // Once closed (Ctrl-D, the end of piped input, a stop signal), no prompt: it would reopen the input.
    let closed = false;
    terminal.once('close', () => (closed = true));
    // Ctrl-C, SIGTERM or a hang-up ends the session as Ctrl-D does, also while a reply is being written.
    const stop = new AbortController();
    const end = (): void => {
      stop.abort();
      terminal.close();
    };
    void stopped.then(end);
    // In a terminal readline takes Ctrl-C as a key, so no SIGINT reaches the process.
    terminal.on('SIGINT', end);
    // A hung-up terminal fails reads and readline's own close (setRawMode) with EIO, which readline passes on: the input has ended.
    // Deferred: ending from inside readline's failing close would close again, fail again, and never stop.
    terminal.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EIO') throw error;
      setImmediate(end);
    });
    // Output's reader gone (`feelbot chat < lines | head -n 1`, a hung-up terminal): the session ends as at a stop, then the process exits.
    let cleanedUp = (): void => undefined;
    const cleanUp = new Promise<void>((resolve) => (cleanedUp = resolve));
    const exitAtOnceWhenReaderLeaves = endFirstWhenStdoutReaderLeaves(() => {
      end();
      return cleanUp;
    });
    if (interactive) {
      process.stdout.write('Talk to the personas. Ctrl-D to leave.\n');
      terminal.prompt();
    }
    try {
      // Messages typed (or piped) while a reply is being written wait their turn in the iterator.
      for await (const message of messages) {
        if (message.trim()) process.stdout.write(`${formatTurn(await session.say(message, stop.signal))}\n`);
        if (stop.signal.aborted) break;
        if (interactive && !closed) terminal.prompt();
      }
    } finally {
      terminal.close();
      messages.close();
      process.off('exit', restoreTerminal);
      // The session is over: a reply still being written is for no one, so it is cut at once.
      await worker.stop(0);
      await events.close();
      // Its lines and replies are no one's business any more, once its worker no longer needs them.
      await session.removeFromRedis().catch((error: unknown) => {
        logger.warn({ err: error, code: ErrorCodes.RedisUnavailable }, "could not remove the session's queue and replies from Redis");
      });
      // After the removal: until then a session starting meanwhile must not remove the queue too.
      await withinMs(heartbeat.stop(), HEARTBEAT_REMOVAL_MS).catch(() => undefined);
      await queue.close();
      await engines.dispose();
      eventsConnection.disconnect();
      redis.disconnect();
      exitAtOnceWhenReaderLeaves();
      cleanedUp();
    }
  },
};

/**
 * Removes the queues and replies of sessions killed before they could (removeAbandonedSessions). A
 * failure is logged and the session goes on, as does a stop during the grace: what is left is
 * removed by the next session to start.
 */
async function removeAbandoned(redis: Redis, prefix: string, sessionId: string, logger: Logger, signal: AbortSignal): Promise<void> {
  try {
    const removed = await withinMs(removeAbandonedSessions(redis, prefix, sessionId, { signal }), ABANDONED_REMOVAL_MS);
    if (removed.length > 0) logger.info({ sessions: removed }, 'removed the queues and replies of chat sessions that were killed');
  } catch (error) {
    logger.warn({ err: error, code: ErrorCodes.RedisUnavailable }, 'could not remove the queues and replies of chat sessions that were killed');
  }
}

/** Everything a session needs before it opens a connection: an open one would keep a failed start-up from exiting. */
async function loadModels(config: Config, logger: Logger, signal: AbortSignal, dataWatch: RedisDataWatch): Promise<{ personas: PersonaSet; engines: Engines }> {
  // Only at start-up, before the models load: without Redis the session could not hold a turn.
  await checkRedisReachable(config.redis.url, undefined, dataWatch);
  const personas = await loadPersonas(config.personasFile);
  await checkLoraFiles(personas);
  // The signal cancels LLM_MODEL's first download, keeping its partial file for the next start.
  const engines = await createEngines(config, logger, NO_METRICS, { signal });
  await checkPersonasFitEngines(personas, config, engines);
  return { personas, engines };
}

/** A turn as printed: the model's reply, the persona's name and any reason can hold characters a terminal would act on. */
function formatTurn(result: TurnResult): string {
  return terminalSafeText(turnText(result));
}

/** A turn as one line, as it reads before it is made terminal-safe. */
function turnText(result: TurnResult): string {
  if (result.kind === 'silent') return `(no reply: ${result.reason})`;
  if (result.kind === 'lost') return `(reply lost: ${result.reason}; say it again, or something else, to go on)`;
  if (result.kind === 'refused') return `(not sent: ${result.reason} (${result.code}))`;
  const { reply } = result;
  return `(${reply.emotion} ${Math.round(reply.confidence * 100)}%) ${reply.persona}: ${reply.content}`;
}
