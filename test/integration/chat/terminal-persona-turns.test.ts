import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../../src/adapters/bullmq/message-queue.js';
import { TERMINAL_QUEUE } from '../../../src/adapters/bullmq/queue-names.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { TerminalReplier } from '../../../src/adapters/redis/terminal-replier.js';
import { TerminalSession } from '../../../src/chat/terminal-session.js';
import { buildPrompt } from '../../../src/domain/build-prompt.js';
import { DEFAULT_PERSONAS } from '../../../src/domain/default-personas.js';
import type { Persona } from '../../../src/domain/persona.js';
import { MessageJobSchema, type ParsedMessageJob } from '../../../src/jobs/message-job.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { createJobWorker, type JobHandler, type JobWorker } from '../../../src/worker/job-worker.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe("feelbot chat: the personas' earlier replies (real Redis and BullMQ)", () => {
  const redis = usePrivateRedis();
  let prefix: string;
  let queue: MessageQueue;
  let events: QueueEvents;
  let worker: JobWorker;
  const jobs: ParsedMessageJob[] = [];
  /** Who answers each line in turn, as the classifier would pick them. */
  let answering: Persona[] = [];

  const handler = (replier: TerminalReplier): JobHandler => async (data) => {
    const job = MessageJobSchema.parse(data);
    const persona = answering[jobs.length]!;
    jobs.push(job);
    const target = { origin: 'terminal' as const, guildId: null, channelId: job.channelId };
    const posted = await replier.post({ target, persona, content: `${persona.name} says hi`, detected: { emotion: persona.emotion, confidence: 0.9 } });
    return { status: 'posted', emotion: persona.emotion, persona: persona.emotion, replyId: posted.messageId };
  };

  /** The prompt writeReply builds for `persona` from a job the session queued. */
  const promptFor = (persona: Persona, job: ParsedMessageJob) =>
    buildPrompt({
      persona,
      context: job.context,
      message: { authorName: job.author.displayName, authorId: job.author.id, content: job.content },
      characterNames: Object.values(DEFAULT_PERSONAS).map((character) => character.name),
    });

  beforeEach(async () => {
    jobs.length = 0;
    prefix = `{chat-${randomUUID().slice(0, 8)}}`;
    queue = new MessageQueue(redis.connection, prefix, TERMINAL_QUEUE);
    events = new QueueEvents(TERMINAL_QUEUE, { connection: redis.connection.duplicate(), prefix });
    await events.waitUntilReady();
    worker = createJobWorker(redis.connection.duplicate(), prefix, { reply: handler(new TerminalReplier(redis.connection, prefix)) }, {
      concurrency: 1,
      lockDurationMs: 4_000,
      logger: createLogger('silent', 'test'),
      metrics: NO_METRICS,
      queueName: TERMINAL_QUEUE,
    });
  });

  afterEach(async () => {
    await worker.stop(1_000);
    await events.close();
    await queue.close();
  });

  it("Anger's prompt quotes Joy's earlier reply as Joy's (character), not as Anger's own turn", async () => {
    answering = [DEFAULT_PERSONAS.joy, DEFAULT_PERSONAS.anger];
    const session = new TerminalSession(queue.queue, events, redis.connection, prefix, 'Ann');
    expect(await session.say('I got the job!')).toMatchObject({ kind: 'reply', reply: { persona: 'Joy' } });
    expect(await session.say('but my boss is awful')).toMatchObject({ kind: 'reply', reply: { persona: 'Anger' } });
    expect(jobs[1]!.context.at(-1)).toMatchObject({ persona: 'Joy', personaKey: 'joy', content: 'Joy says hi' });
    const prompt = promptFor(DEFAULT_PERSONAS.anger, jobs[1]!);
    expect(prompt.turns.filter((turn) => turn.role === 'assistant')).toEqual([]);
    expect(prompt.turns.map((turn) => turn.text).join('\n')).toContain('<<<Joy (character): Joy says hi>>>');
  });

  it("a persona's own earlier reply in the terminal stays its own turn", async () => {
    answering = [DEFAULT_PERSONAS.joy, DEFAULT_PERSONAS.joy];
    const session = new TerminalSession(queue.queue, events, redis.connection, prefix, 'Ann');
    await session.say('I got the job!');
    await session.say('and a raise');
    const prompt = promptFor(DEFAULT_PERSONAS.joy, jobs[1]!);
    expect(prompt.turns.map((turn) => [turn.role, turn.text.split('\n')[0]])).toEqual([
      ['user', '<<<Ann: I got the job!>>>'],
      ['assistant', 'Joy says hi'],
      ['user', '<<<Ann: and a raise>>>'],
    ]);
  });
});
