import { describe, expect, it } from 'vitest';
import { EMOTIONS, type Emotion } from '../../src/domain/emotions.js';
import type { GuildSettings, ReplyMode } from '../../src/domain/guild-settings.js';
import { handleMessageJob, type SkipReason } from '../../src/jobs/handle-message-job.js';
import type { PostAttempt } from '../../src/ports/delivery-ledger.js';
import type { EmotionAnalysis } from '../../src/ports/emotion-classifier.js';
import type { PersonaReply } from '../../src/ports/persona-replier.js';
import { buildAnalysis, buildMessageJob, buildMessageJobDeps, buildSettings, personas, snowflake } from '../factories.js';

/** The one line of a prompt that names the persona writing it (buildPrompt's reply instruction). */
const writtenAs = (emotion: Emotion) => `as ${personas[emotion].name}.`;

/**
 * The use case on in-memory ports, with the guild's settings in one place as Redis keeps them:
 * `whileWriting` is an admin's /feelbot command landing while the model writes the n-th reply.
 */
function depsWhereAdminActs(options: {
  readonly settings?: GuildSettings;
  readonly analysis?: EmotionAnalysis;
  readonly whileWriting: (current: GuildSettings, writing: number) => GuildSettings;
}) {
  let stored = options.settings ?? buildSettings({ defaultMode: 'always' });
  const prompts: string[] = [];
  const posted: PersonaReply[] = [];
  const attempts: PostAttempt[] = [];
  const reads = { count: 0 };
  const deps = buildMessageJobDeps({
    classifier: { classify: async (texts) => texts.map(() => options.analysis ?? buildAnalysis()), dispose: async () => undefined },
    generator: {
      parallelism: 1,
      generate: async (request) => {
        prompts.push(JSON.stringify(request.prompt));
        stored = options.whileWriting(stored, prompts.length);
        return { text: 'How wonderful!', tokens: 4, truncated: false, firstTokenMs: 1, totalMs: 2 };
      },
      dispose: async () => undefined,
    },
    settings: { get: async () => ((reads.count += 1), stored), update: async () => stored },
    // Asks beforeSend, where the attempt is noted, as the webhook replier does right before it sends.
    replier: { post: async (reply, context) => (await context?.beforeSend?.(), posted.push(reply), { messageId: snowflake() }), findPosted: async () => undefined },
    ledger: { find: async () => undefined, record: async () => undefined, recordAttempt: async (_ids, attempt) => void attempts.push(attempt), findAttempt: async () => undefined, findBegun: async () => undefined, forgetOwnAttempt: async () => undefined },
  });
  return { deps, prompts, posted, attempts, reads };
}

describe('settings an admin changes while a reply is being written', () => {
  const quietNow: ReadonlyArray<{ mode: ReplyMode; addressed: boolean; confidence: number; reason: SkipReason }> = [
    { mode: 'off', addressed: true, confidence: 0.9, reason: 'mode-off' },
    { mode: 'mention', addressed: false, confidence: 0.9, reason: 'not-addressed' },
    { mode: 'auto', addressed: false, confidence: 0.4, reason: 'not-emotional' },
  ];
  for (const { mode, addressed, confidence, reason } of quietNow) {
    it(`the channel set to ${mode} meanwhile: the written reply is not posted, skipped as ${reason} as the start would have been`, async () => {
      const job = buildMessageJob({ addressed });
      const { deps, posted, attempts } = depsWhereAdminActs({
        analysis: buildAnalysis({ confidence }),
        whileWriting: (current) => ({ ...current, modes: { ...current.modes, [job.channelId]: mode } }),
      });
      expect(await handleMessageJob(job, deps)).toEqual({ status: 'skipped', reason, emotion: 'joy' });
      expect(posted).toEqual([]);
      expect(attempts).toEqual([]);
    });
  }

  it('the category of the channel turned off meanwhile: nothing is posted in the channel that follows it', async () => {
    const categoryId = snowflake();
    const job = buildMessageJob({ parentId: categoryId });
    const { deps, posted } = depsWhereAdminActs({ whileWriting: (current) => ({ ...current, modes: { [categoryId]: 'off' } }) });
    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'skipped', reason: 'mode-off' });
    expect(posted).toEqual([]);
  });

  it('the persona writing it disabled meanwhile: the next allowed persona writes the reply again and posts it', async () => {
    const { deps, prompts, posted } = depsWhereAdminActs({ whileWriting: (current, writing) => (writing === 1 ? { ...current, disabledPersonas: ['joy'] } : current) });
    // Love scores next to joy in the analysis (buildScores).
    expect(await handleMessageJob(buildMessageJob(), deps)).toMatchObject({ status: 'posted', emotion: 'joy', persona: 'love' });
    expect(prompts).toHaveLength(2);
    expect(prompts[0]).toContain(writtenAs('joy'));
    expect(prompts[1]).toContain(writtenAs('love'));
    expect(posted.map((reply) => reply.persona.name)).toEqual([personas.love.name]);
  });

  it('every persona disabled meanwhile: nothing is posted, skipped as no-persona-allowed', async () => {
    const { deps, prompts, posted } = depsWhereAdminActs({ whileWriting: (current) => ({ ...current, disabledPersonas: [...EMOTIONS] }) });
    expect(await handleMessageJob(buildMessageJob(), deps)).toEqual({ status: 'skipped', reason: 'no-persona-allowed', emotion: 'joy' });
    expect(prompts).toHaveLength(1);
    expect(posted).toEqual([]);
  });

  it('an admin who silences whichever persona is writing, again and again, has the reply written again once per other persona at most, then nothing is posted', async () => {
    const writers: Emotion[] = [];
    const { deps, prompts, posted } = depsWhereAdminActs({
      whileWriting: (current) => {
        const writing = EMOTIONS.find((emotion) => prompts.at(-1)!.includes(writtenAs(emotion)))!;
        writers.push(writing);
        // Only the one writing is silenced: the others are allowed again, so another could always answer.
        return { ...current, disabledPersonas: [writing] };
      },
    });
    expect(await handleMessageJob(buildMessageJob(), deps)).toMatchObject({ status: 'skipped', reason: 'no-persona-allowed' });
    expect(posted).toEqual([]);
    // Joy and love (the two strongest) take turns; a sixth try is the last.
    expect(writers).toEqual(['joy', 'love', 'joy', 'love', 'joy', 'love']);
  });

  it("a persona's look changed meanwhile: the reply is posted, and its attempt recorded, under the look it has now", async () => {
    const avatarUrl = 'https://cdn.example/sunny.png';
    const { deps, posted, attempts, prompts } = depsWhereAdminActs({
      settings: buildSettings({ defaultMode: 'always', personaLooks: { joy: { name: 'Cloudy' } } }),
      whileWriting: (current) => ({ ...current, personaLooks: { joy: { name: 'Sunny', avatarUrl } } }),
    });
    expect(await handleMessageJob(buildMessageJob(), deps)).toMatchObject({ status: 'posted', persona: 'joy' });
    expect(posted.map((reply) => ({ name: reply.persona.name, avatar: reply.persona.avatar }))).toEqual([{ name: 'Sunny', avatar: avatarUrl }]);
    expect(attempts.map((attempt) => attempt.persona)).toEqual(['Sunny']);
    // The look only shows the reply: the operator's persona wrote it, once.
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain(writtenAs('joy'));
  });

  it("a guild's settings are read once before classifying and once more before posting, nothing else; a DM's not at all", async () => {
    const { deps, posted, reads } = depsWhereAdminActs({ whileWriting: (current) => current });
    expect(await handleMessageJob(buildMessageJob(), deps)).toMatchObject({ status: 'posted' });
    expect(reads.count).toBe(2);
    expect(await handleMessageJob(buildMessageJob({ guildId: null }), deps)).toMatchObject({ status: 'posted' });
    expect(reads.count).toBe(2);
    expect(posted).toHaveLength(2);
  });

  it('settings that cannot be read again (Redis down) fail the attempt, for BullMQ to retry, instead of posting against settings nobody read', async () => {
    const job = buildMessageJob();
    let redisDown = false;
    const { deps, posted, attempts, prompts } = depsWhereAdminActs({ whileWriting: (current, writing) => ((redisDown ||= writing === 1), current) });
    const settings = { ...deps.settings, get: async (guildId: string) => (redisDown ? Promise.reject(new Error('Connection is closed.')) : deps.settings.get(guildId)) };
    await expect(handleMessageJob(job, { ...deps, settings })).rejects.toThrow('Connection is closed.');
    expect(posted).toEqual([]);
    expect(attempts).toEqual([]);

    // BullMQ's retry, once Redis is back: the reply is written again and posted once.
    redisDown = false;
    expect(await handleMessageJob(job, { ...deps, settings })).toMatchObject({ status: 'posted' });
    expect(posted).toHaveLength(1);
    expect(prompts).toHaveLength(2);
  });
});
