import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisDeletedMessages } from '../../../src/adapters/redis/redis-deleted-messages.js';
import { RedisEditedMessages } from '../../../src/adapters/redis/redis-edited-messages.js';
import { RedisSettingsStore } from '../../../src/adapters/redis/redis-settings-store.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { handleMessageJob } from '../../../src/jobs/handle-message-job.js';
import type { MessageJob } from '../../../src/jobs/message-job.js';
import { DELETION_CHECK_MS } from '../../../src/jobs/watch-for-deletion.js';
import type { PersonaReply } from '../../../src/ports/persona-replier.js';
import type { GenerationRequest, GenerationResult } from '../../../src/ports/reply-generator.js';
import { buildMessageJob, buildMessageJobDeps, personas, snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** How long the first reply takes per token: its 160 tokens take 8 s, four times the watcher's checks. */
const TOKEN_MS = 50;

/** A check of the watcher, and room for its reads and the generation's stop on a loaded machine. */
const STOPS_WITHIN_MS = DELETION_CHECK_MS + 1_000;

/**
 * A model whose first reply is written one token every TOKEN_MS up to its maxTokens, later ones at
 * once; like node-llama-cpp it stops with GENERATION_ABORTED when its signal aborts. `started`
 * resolves once the first one is under way; `stoppedAt` is when it ended, aborted or not.
 */
function firstReplySlow() {
  let begin = () => undefined as void;
  const model = {
    prompts: [] as string[],
    tokens: 0,
    aborted: false,
    stoppedAt: 0,
    started: new Promise<void>((resolve) => (begin = resolve)),
    parallelism: 1,
    generate: async (request: GenerationRequest): Promise<GenerationResult> => {
      model.prompts.push(JSON.stringify(request.prompt));
      if (model.prompts.length > 1) return { text: 'So sorry.', tokens: 3, truncated: false, firstTokenMs: 1, totalMs: 1 };
      begin();
      try {
        while (model.tokens < request.sampling.maxTokens) {
          await new Promise((resolve) => setTimeout(resolve, TOKEN_MS));
          if (request.signal?.aborted) {
            model.aborted = true;
            throw new FeelbotError(ErrorCodes.GenerationAborted, 'The reply was cancelled.', { cause: request.signal.reason });
          }
          model.tokens += 1;
        }
      } finally {
        model.stoppedAt = Date.now();
      }
      return { text: 'How sad.', tokens: model.tokens, truncated: true, firstTokenMs: TOKEN_MS, totalMs: model.tokens * TOKEN_MS };
    },
    dispose: async () => undefined,
  };
  return model;
}

/**
 * The messages a reply answers deleted, or the settings turned against it, while its first reply is
 * written: real Redis deletion markers and settings store, as the gateway writes them. The writing
 * stops at the watcher's next check, and the job ends as the recheck after the last token would.
 */
describe('a reply no longer wanted while it is written stops being written (real Redis deletions and settings)', () => {
  const redis = usePrivateRedis();

  /** Runs `job` on a worker's deps and acts once its first reply is being written. */
  async function whileWriting(job: MessageJob, act: (ports: { deleted: RedisDeletedMessages; settings: RedisSettingsStore; edited: RedisEditedMessages }) => Promise<unknown>) {
    const prefix = `{unwanted-${randomUUID().slice(0, 8)}}`;
    const ports = {
      deleted: new RedisDeletedMessages(redis.connection, prefix),
      settings: new RedisSettingsStore(redis.connection, prefix),
      edited: new RedisEditedMessages(redis.connection, prefix),
    };
    const model = firstReplySlow();
    const posted: PersonaReply[] = [];
    const deps = buildMessageJobDeps({
      ...ports,
      generator: model,
      replier: { post: async (reply) => (posted.push(reply), { messageId: snowflake() }), findPosted: async () => undefined },
    });
    const outcome = handleMessageJob(job, deps);
    await model.started;
    const actedAt = Date.now();
    await act(ports);
    return {
      outcome: await outcome,
      stoppedSoon: model.aborted && model.stoppedAt - actedAt < STOPS_WITHIN_MS,
      prompts: model.prompts,
      posted: posted.map((reply) => ({ persona: reply.persona.name, nonce: reply.nonce })),
    };
  }

  it('the message it answers deleted: the writing stops at the next check and the job ends skipped as deleted', async () => {
    const job = buildMessageJob();
    const ended = await whileWriting(job, ({ deleted }) => deleted.mark([job.messageId]));
    expect(ended).toMatchObject({ outcome: { status: 'skipped', reason: 'deleted', emotion: 'joy' }, stoppedSoon: true, posted: [] });
    expect(ended.prompts).toHaveLength(1);
  });

  it('a DM deleted: the writing stops too, though a DM has no place to watch', async () => {
    const job = buildMessageJob({ guildId: null });
    const ended = await whileWriting(job, ({ deleted }) => deleted.mark([job.messageId]));
    expect(ended).toMatchObject({ outcome: { status: 'skipped', reason: 'deleted' }, stoppedSoon: true, posted: [] });
  });

  it('part of its burst deleted: the writing stops, and the rest is answered without the deleted text', async () => {
    const [regretted, kept] = [snowflake(), snowflake()];
    const job = buildMessageJob({
      messageId: kept,
      content: 'ugh, my ex texted\nmy exam went badly',
      burst: [regretted],
      parts: [
        { messageId: regretted, content: 'ugh, my ex texted', addressed: true },
        { messageId: kept, content: 'my exam went badly', addressed: true },
      ],
    });
    const ended = await whileWriting(job, ({ deleted }) => deleted.mark([regretted]));
    expect(ended).toMatchObject({ outcome: { status: 'posted' }, stoppedSoon: true, posted: [{ nonce: kept }] });
    expect(ended.prompts).toHaveLength(2);
    expect(ended.prompts[1]).toContain('my exam went badly');
    expect(ended.prompts[1]).not.toContain('my ex texted');
  });

  it('the bot turned off in its channel: the writing stops at the next check and the job ends skipped as mode-off', async () => {
    const job = buildMessageJob();
    const ended = await whileWriting(job, ({ settings }) => settings.update(job.guildId!, (current) => ({ ...current, modes: { [job.channelId]: 'off' } })));
    expect(ended).toMatchObject({ outcome: { status: 'skipped', reason: 'mode-off', emotion: 'joy' }, stoppedSoon: true, posted: [] });
    expect(ended.prompts).toHaveLength(1);
  });

  it('the persona writing it disabled: the writing stops, and the next allowed persona writes the reply and posts it', async () => {
    const job = buildMessageJob();
    const ended = await whileWriting(job, ({ settings }) => settings.update(job.guildId!, (current) => ({ ...current, disabledPersonas: ['joy'] })));
    // Love scores next to joy in the analysis (buildScores).
    expect(ended).toMatchObject({ outcome: { status: 'posted', emotion: 'joy', persona: 'love' }, stoppedSoon: true, posted: [{ persona: personas.love.name }] });
    expect(ended.prompts).toHaveLength(2);
  });

  /** A reply to Alice, whose conversation quotes Bob's message before hers. */
  function withBobsMessage(text: string) {
    const bobsMessage = snowflake();
    const job = buildMessageJob({ context: [{ messageId: bobsMessage, authorName: 'Bob', authorId: '1100000000000000009', content: text }] });
    return { job, bobsMessage };
  }

  it('a message of its conversation deleted (not one it answers): the writing stops at the next check, and the reply is written again without it', async () => {
    const { job, bobsMessage } = withBobsMessage('my number is 555-0199, call me');
    const ended = await whileWriting(job, ({ deleted }) => deleted.mark([bobsMessage]));
    expect(ended).toMatchObject({ outcome: { status: 'posted' }, stoppedSoon: true, posted: [{ nonce: job.messageId }] });
    expect(ended.prompts).toHaveLength(2);
    expect(ended.prompts[0]).toContain('555-0199');
    expect(ended.prompts[1]).not.toContain('555-0199');
  });

  it('a message of its conversation edited: the writing stops at the next check, and the reply is written again from the edited text', async () => {
    const { job, bobsMessage } = withBobsMessage('my number is 555-0199, call me');
    const ended = await whileWriting(job, ({ edited }) => edited.mark(bobsMessage, 'call me', job.guildId));
    expect(ended).toMatchObject({ outcome: { status: 'posted' }, stoppedSoon: true, posted: [{ nonce: job.messageId }] });
    expect(ended.prompts).toHaveLength(2);
    expect(ended.prompts[1]).not.toContain('555-0199');
    expect(ended.prompts[1]).toContain('call me');
  });
});
