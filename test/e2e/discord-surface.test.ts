import { randomUUID } from 'node:crypto';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageQueue } from '../../src/adapters/bullmq/message-queue.js';
import { REPLY_QUEUE } from '../../src/adapters/bullmq/queue-names.js';
import { RedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.js';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import { DEFAULT_GUILD_SETTINGS } from '../../src/domain/guild-settings.js';
import { analysisJobId } from '../../src/jobs/analysis-job.js';
import { messageJobId, type MessageJob } from '../../src/jobs/message-job.js';
import { buildMessageJob, snowflake } from '../factories.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { FeelbotStack, stackEnv } from '../support/feelbot-stack.js';
import { longRepliesPersonaFile, slowModelPath } from '../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

const EPHEMERAL = 64;
const SUBCOMMAND = 1;
const STRING = 3;
const BOOLEAN = 5;
const CHANNEL = 7;
const INTEGER = 4;
/** On the slow model a reply this long takes seconds: time for a deletion to land while it is written. */
const LONG_REPLY_TOKENS = 1_000;

/** The reply jobs still to run (waiting, delayed or running) that carry any of these messages, by job id. */
async function jobsToRunCarrying(replies: Queue, messageIds: readonly string[]): Promise<string[]> {
  const jobs = await replies.getJobs(['active', 'waiting', 'delayed', 'prioritized', 'paused']);
  return jobs
    .filter((job) => {
      const data = job?.data as Partial<MessageJob> | undefined;
      return job?.name === 'reply' && [data?.messageId, ...(data?.burst ?? [])].some((id) => id !== undefined && messageIds.includes(id));
    })
    .map((job) => job.id!);
}

describe('the Discord surface: /feel, admin settings and good citizenship', () => {
  let redis: PrivateRedis;
  let discord: FakeDiscord;
  let worker: FeelbotProcess;
  let gateway: FeelbotProcess;
  let connection: Redis;
  let settings: RedisSettingsStore;
  let replies: Queue;
  const prefix = `{surface-${randomUUID().slice(0, 8)}}`;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    discord = await startFakeDiscord();
    env = stackEnv(discord, redis, prefix, { LLM_SEQUENCES: '2' });
    const register = new FeelbotProcess(['register-commands', '--guild', discord.world.guild.id], env);
    expect(await register.waitForExit()).toBe(0);
    worker = new FeelbotProcess(['worker'], env);
    gateway = new FeelbotProcess(['gateway'], env);
    await worker.waitForLog((line) => line.msg === 'worker ready');
    await gateway.waitForLog((line) => line.msg === 'gateway ready');
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    settings = new RedisSettingsStore(connection, prefix);
    replies = new Queue(REPLY_QUEUE, { connection, prefix });
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), worker?.stop()]);
    await replies?.close();
    connection?.disconnect();
    await discord?.close();
    await redis?.stop();
  });

  beforeEach(async () => {
    await settings.update(discord.world.guild.id, () => DEFAULT_GUILD_SETTINGS);
  });

  /** A fresh member per message, so per-user limits and bursts never mix tests. */
  function newMember(): string {
    const user = discord.addUser({ username: `m-${randomUUID().slice(0, 6)}` });
    discord.addMember({ guildId: discord.world.guild.id, userId: user.id });
    return user.id;
  }

  /** The worker's "job done" line for a message; on a timeout, both processes' last lines say why, before the test's own 60 s timeout. */
  async function done(messageId: string) {
    try {
      return await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(messageId), 45_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\ngateway output:\n${gateway.output.slice(-30).join('\n')}`, { cause: error });
    }
  }

  async function runSettings(userId: string, subcommand: string, options: Array<{ name: string; type: number; value: unknown }>) {
    const sent = discord.sendInteraction({
      channelId: discord.world.channels.text.id,
      userId,
      commandName: 'feelbot',
      options: [{ name: subcommand, type: SUBCOMMAND, options } as never],
    });
    const [answer] = await discord.waitFor(() => discord.interactionResponses(sent.id).length > 0 && discord.interactionResponses(sent.id), { timeoutMs: 10_000 });
    return answer!;
  }

  it('register-commands put /feel, "Analyze emotion" and /feelbot in the guild', () => {
    const names = discord.store.commands.get(discord.world.guild.id)?.map((command) => command.name);
    expect(names).toEqual(expect.arrayContaining(['feel', 'Analyze emotion', 'feelbot']));
  });

  it('/feel comes back deferred (ephemeral), then edited with the chart, the scores and the persona', async () => {
    const sent = discord.sendInteraction({
      channelId: discord.world.channels.text.id,
      userId: discord.world.users.member.id,
      commandName: 'feel',
      options: [{ name: 'text', type: STRING, value: 'I passed every exam, I am so happy!' }],
    });
    const responses = await discord.waitFor(() => discord.interactionResponses(sent.id).length >= 2 && discord.interactionResponses(sent.id), { timeoutMs: 60_000 });
    const [deferred, edit] = responses;
    expect(deferred!.kind).toBe('callback');
    expect(deferred!.callbackType).toBe(5);
    expect(((deferred!.body.data as { flags?: number } | undefined)?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(edit!.kind).toBe('editOriginal');
    // The analysis quotes nothing that pings, and says so to Discord too.
    expect(edit!.body.allowed_mentions).toEqual({ parse: [], users: [], roles: [] });
    const chart = edit!.files.find((file) => file.fileName === 'emotions.png');
    expect(chart?.bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
    const embed = (edit!.body.embeds as Array<Record<string, unknown>>)[0]!;
    expect(embed.title).toMatch(/Core emotion: Joy$/);
    expect((embed.author as { name: string }).name).toBe('Joy');
    expect((embed.image as { url: string }).url).toBe('attachment://emotions.png');
    const scores = (embed.fields as Array<{ value: string }>)[0]!.value;
    expect(scores).toMatch(/^\*\*Joy \d+%\*\*/);
    for (const name of ['Sadness', 'Joy', 'Love', 'Anger', 'Fear', 'Surprise']) expect(scores).toContain(name);
  });

  it('a /feel whose answer Discord refuses (400) fails once, without retries, and the user is told so with the code', async () => {
    discord.failNext('PATCH /webhooks/:id/:token/messages/@original', [{ status: 400, code: 50_035, message: 'Invalid Form Body' }]);
    const sent = discord.sendInteraction({
      channelId: discord.world.channels.text.id,
      userId: discord.world.users.member.id,
      commandName: 'feel',
      options: [{ name: 'text', type: STRING, value: 'my cat knocked the tree over again' }],
    });
    const failed = await worker.waitForLog((line) => line.msg === 'job failed' && line.jobId === analysisJobId(sent.id), 60_000);
    expect(failed.code).toBe('DISCORD_REQUEST_FAILED');
    expect(failed.attempt).toBe(1);
    const responses = await discord.waitFor(() => discord.interactionResponses(sent.id).length >= 2 && discord.interactionResponses(sent.id), { timeoutMs: 10_000 });
    const edit = responses[1]!;
    expect(edit.kind).toBe('editOriginal');
    expect(edit.body.content).toBe('Sorry, the analysis failed (DISCORD_REQUEST_FAILED). Please try again in a moment.');
    expect(edit.body.embeds).toEqual([]);
    // The worker logs and answers before BullMQ records the failure, so wait for the record itself.
    await expect.poll(() => replies.getJobState(analysisJobId(sent.id)), { timeout: 10_000 }).toBe('failed');
    const job = await replies.getJob(analysisJobId(sent.id));
    expect(job!.attemptsMade).toBe(1);
  });

  it('a /feel queued longer than its 15-minute interaction token lives is skipped by the worker, and nothing is sent to Discord for it', async () => {
    const interactionId = snowflake();
    const token = `expired-token-${randomUUID()}`;
    const queue = new MessageQueue(connection, prefix);
    try {
      // Queued by the gateway before a 16-minute worker outage.
      await queue.enqueueAnalysis({
        version: 1,
        interactionId,
        applicationId: discord.applicationId,
        token,
        guildId: discord.world.guild.id,
        channelId: discord.world.channels.text.id,
        userId: discord.world.users.member.id,
        text: 'I passed every exam, I am so happy!',
        source: 'slash',
        receivedAt: Date.now() - 16 * 60_000,
      });
    } finally {
      await queue.close();
    }
    const finished = await worker.waitForLog((line) => (line.msg === 'job done' || line.msg === 'job failed') && line.jobId === analysisJobId(interactionId), 45_000);
    expect(finished.msg).toBe('job done');
    expect(finished.outcome).toEqual({ status: 'skipped', reason: 'interaction-expired' });
    expect(discord.requests.filter((request) => request.path.includes(token))).toEqual([]);
  });

  it('/feel public:true answers for everyone to see', async () => {
    const sent = discord.sendInteraction({
      channelId: discord.world.channels.text.id,
      userId: discord.world.users.member.id,
      commandName: 'feel',
      options: [
        { name: 'text', type: STRING, value: 'why does nobody ever listen to me, this is so unfair' },
        { name: 'public', type: BOOLEAN, value: true },
      ],
    });
    const [deferred] = await discord.waitFor(() => discord.interactionResponses(sent.id).length >= 2 && discord.interactionResponses(sent.id), { timeoutMs: 60_000 });
    expect(((deferred!.body.data as { flags?: number } | undefined)?.flags ?? 0) & EPHEMERAL).toBe(0);
  });

  it('"Analyze emotion" on a message gives the same analysis', async () => {
    const target = discord.sendMessage({ channelId: discord.world.channels.text.id, authorId: newMember(), content: 'i am terrified of the dark' });
    const sent = discord.sendInteraction({
      channelId: discord.world.channels.text.id,
      userId: discord.world.users.member.id,
      commandName: 'Analyze emotion',
      targetMessageId: target.id,
    });
    const [, edit] = await discord.waitFor(() => discord.interactionResponses(sent.id).length >= 2 && discord.interactionResponses(sent.id), { timeoutMs: 60_000 });
    const embed = (edit!.body.embeds as Array<Record<string, unknown>>)[0]!;
    expect(embed.title).toMatch(/Core emotion: Fear/);
    expect(edit!.files.some((file) => file.fileName === 'emotions.png')).toBe(true);
  });

  it('"Analyze emotion" on a forwarded message reads the forwarded text', async () => {
    const original = discord.sendMessage({ channelId: discord.world.channels.categorized.id, authorId: newMember(), content: 'i am terrified of the dark' });
    const forward = discord.sendMessage({
      channelId: discord.world.channels.text.id,
      authorId: newMember(),
      content: '',
      forwardOf: { channelId: discord.world.channels.categorized.id, messageId: original.id },
    });
    const sent = discord.sendInteraction({
      channelId: discord.world.channels.text.id,
      userId: discord.world.users.member.id,
      commandName: 'Analyze emotion',
      targetMessageId: forward.id,
    });
    const [, edit] = await discord.waitFor(() => discord.interactionResponses(sent.id).length >= 2 && discord.interactionResponses(sent.id), { timeoutMs: 60_000 });
    expect(((edit!.body.embeds as Array<Record<string, unknown>>)[0]!).title).toMatch(/Core emotion: Fear/);
  });

  it('a member without Manage Server who sends the settings interaction anyway is refused, and nothing changes', async () => {
    const answer = await runSettings(discord.world.users.member.id, 'persona', [
      { name: 'name', type: STRING, value: 'joy' },
      { name: 'enabled', type: BOOLEAN, value: false },
    ]);
    expect(answer.callbackType).toBe(4);
    expect((answer.body.data as { content: string }).content).toMatch(/Manage Server/);
    // The gateway's own answers ping no one either (the client's default allowed_mentions).
    expect((answer.body.data as { allowed_mentions?: { parse?: unknown } }).allowed_mentions?.parse).toEqual([]);
    expect(((answer.body.data as { flags?: number }).flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect((await settings.get(discord.world.guild.id)).disabledPersonas).toEqual([]);
  });

  it('with Joy disabled by an admin, a joyful message is answered by another allowed persona', async () => {
    const answer = await runSettings(discord.world.users.admin.id, 'persona', [
      { name: 'name', type: STRING, value: 'joy' },
      { name: 'enabled', type: BOOLEAN, value: false },
    ]);
    expect((answer.body.data as { content: string }).content).toMatch(/Joy is now silent/);
    const message = discord.sendMessage({ channelId: discord.world.channels.text.id, authorId: newMember(), content: 'best day ever, I am so happy and excited!', mentionsBot: true });
    const result = await done(message.id);
    expect(result.outcome).toMatchObject({ status: 'posted', emotion: 'joy' });
    expect((result.outcome as { persona: string }).persona).not.toBe('joy');
    expect(discord.webhookExecutions().at(-1)!.username).not.toBe(DEFAULT_PERSONAS.joy.name);
  });

  it('in auto mode, "ok see you at 5" gets no reply and a clearly emotional message gets one', async () => {
    const channel = discord.world.channels.categorized.id;
    await runSettings(discord.world.users.admin.id, 'channel', [
      { name: 'mode', type: STRING, value: 'auto' },
      { name: 'channel', type: CHANNEL, value: channel },
    ]);
    const before = discord.webhookExecutions().length;
    const plain = discord.sendMessage({ channelId: channel, authorId: newMember(), content: 'ok see you at 5' });
    expect((await done(plain.id)).outcome).toMatchObject({ status: 'skipped', reason: 'not-emotional' });
    const heated = discord.sendMessage({ channelId: channel, authorId: newMember(), content: 'I am so furious, they cancelled it again, this is so unfair!' });
    expect((await done(heated.id)).outcome).toMatchObject({ status: 'posted' });
    expect(discord.webhookExecutions().length).toBe(before + 1);
  });

  it("in auto mode, a message the bot stays quiet on does not use up the channel's cooldown", async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: 'auto-cooldown' }).id;
    await runSettings(discord.world.users.admin.id, 'channel', [
      { name: 'mode', type: STRING, value: 'auto' },
      { name: 'channel', type: CHANNEL, value: channel },
    ]);
    await runSettings(discord.world.users.admin.id, 'cooldown', [{ name: 'channel', type: INTEGER, value: 60 }]);
    const plain = discord.sendMessage({ channelId: channel, authorId: newMember(), content: 'ok see you at 5' });
    expect((await done(plain.id)).outcome).toMatchObject({ status: 'skipped', reason: 'not-emotional' });
    const heated = discord.sendMessage({ channelId: channel, authorId: newMember(), content: 'I am so furious, they cancelled it again, this is so unfair!' });
    expect((await done(heated.id)).outcome).toMatchObject({ status: 'posted' });
    // The reply did start the channel's cooldown.
    const next = discord.sendMessage({ channelId: channel, authorId: newMember(), content: 'I am so scared of tomorrow, I cannot sleep' });
    await gateway.waitForLog((line) => line.msg === 'rate limited or cooling down' && line.messageId === next.id, 20_000);
  });

  it('a queued reply whose channel started cooling down meanwhile is skipped by the worker and posts nothing', async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: 'raced' }).id;
    await runSettings(discord.world.users.admin.id, 'cooldown', [{ name: 'channel', type: INTEGER, value: 60 }]);
    // Another reply in this channel started between the gateway queueing this one and a worker taking it.
    const limiter = new RedisRateLimiter(connection, prefix);
    const cooldowns = { userCooldownSeconds: 0, channelCooldownSeconds: 60 };
    expect(await limiter.tryStart({ scope: discord.world.guild.id, channelId: channel, userId: newMember(), cooldowns }, snowflake())).toBe(true);
    const before = discord.webhookExecutions().length;
    // Queued just now, as the gateway would have: a job older than the deletion markers would first ask Discord about its message.
    const job = buildMessageJob({ guildId: discord.world.guild.id, channelId: channel, author: { id: newMember(), displayName: 'Ann' }, receivedAt: Date.now() });
    const queue = new MessageQueue(connection, prefix);
    try {
      await queue.enqueueDebounced(job, `burst-${job.messageId}`, 1);
      expect((await done(job.messageId)).outcome).toMatchObject({ status: 'skipped', reason: 'rate-limited' });
    } finally {
      await queue.close();
    }
    expect(discord.webhookExecutions().length).toBe(before);
  });

  it('a message deleted before its reply is written gets no reply', async () => {
    const channel = discord.world.channels.text.id;
    const before = discord.webhookExecutions().length;
    const regretted = discord.sendMessage({ channelId: channel, authorId: newMember(), content: 'I am so angry at all of you, you are all idiots', mentionsBot: true });
    // Within the burst window, so the reply has not started yet.
    await gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === regretted.id, 10_000);
    discord.deleteMessage(channel, regretted.id);
    // The gateway withdraws the waiting job, text and all; had a worker taken it already, the
    // worker's own check would skip it. Either way, no reply.
    const jobId = messageJobId(regretted.id);
    const withdrawn = () => gateway.logs.some((line) => line.msg === 'withdrew replies to deleted messages' && (line.withdrawn as string[]).includes(jobId));
    const ran = () => worker.logs.some((line) => line.msg === 'job done' && line.jobId === jobId);
    await expect.poll(() => withdrawn() || ran(), { timeout: 45_000, interval: 100 }).toBe(true);
    // Settled: it was queued, so it leaves the queue only once withdrawn or run; nothing is left to answer it later.
    await expect.poll(() => jobsToRunCarrying(replies, [regretted.id]), { timeout: 10_000 }).toEqual([]);
    const finished = await replies.getJob(jobId);
    const outcome = finished?.returnvalue as { status: string; reason?: string } | undefined;
    const fate = outcome ? `${outcome.status}:${outcome.reason}` : withdrawn() ? 'withdrawn' : 'gone without a trace';
    expect(['withdrawn', 'skipped:deleted']).toContain(fate);
    expect(discord.webhookExecutions().length).toBe(before);
  });

  it('three quick messages from one author produce one reply that reads all of them', async () => {
    const author = newMember();
    const channel = discord.world.channels.text.id;
    const before = discord.webhookExecutions().length;
    const messages = ['guess what', 'my sister just had her baby', 'I am an aunt now, I am so happy!'].map((content) =>
      discord.sendMessage({ channelId: channel, authorId: author, content, mentionsBot: true }),
    );
    const result = await done(messages[2]!.id);
    expect(result.outcome).toMatchObject({ status: 'posted' });
    const prompt = worker.logs.find((line) => line.msg === 'prompt' && line.jobId === messageJobId(messages[2]!.id))?.prompt as { turns: Array<{ text: string }> };
    expect(prompt.turns.at(-1)!.text).toMatch(/guess what[\s\S]*baby[\s\S]*aunt/);
    // Settled: the earlier messages' own jobs were replaced before they ran, and no job carrying
    // any of the three is left to post a second reply.
    const ids = messages.map((message) => message.id);
    for (const id of ids.slice(0, 2)) expect(await replies.getJob(messageJobId(id))).toBeUndefined();
    await expect.poll(() => jobsToRunCarrying(replies, ids), { timeout: 10_000 }).toEqual([]);
    expect(discord.webhookExecutions().length).toBe(before + 1);
  });

  it('a thread inherits its parent channel setting', async () => {
    const { text, thread } = discord.world.channels;
    await runSettings(discord.world.users.admin.id, 'channel', [
      { name: 'mode', type: STRING, value: 'always' },
      { name: 'channel', type: CHANNEL, value: text.id },
    ]);
    const unaddressed = discord.sendMessage({ channelId: thread.id, authorId: newMember(), content: 'I miss my grandmother so much today' });
    expect((await done(unaddressed.id)).outcome).toMatchObject({ status: 'posted' });
    const post = discord.webhookExecutions().at(-1)!;
    expect(post.threadId).toBe(thread.id);
    expect(post.channelId).toBe(text.id);

    await runSettings(discord.world.users.admin.id, 'channel', [
      { name: 'mode', type: STRING, value: 'off' },
      { name: 'channel', type: CHANNEL, value: text.id },
    ]);
    const before = discord.webhookExecutions().length;
    const silenced = discord.sendMessage({ channelId: thread.id, authorId: newMember(), content: 'hello bot, I am so sad', mentionsBot: true });
    await gateway.waitForLog((line) => line.msg === 'the bot is off here' && line.messageId === silenced.id, 10_000);
    const control = discord.sendMessage({ channelId: discord.world.channels.categorized.id, authorId: newMember(), content: 'I am so sad today', mentionsBot: true });
    await done(control.id);
    expect(await replies.getJob(messageJobId(silenced.id))).toBeUndefined();
    expect(worker.logs.some((line) => line.jobId === messageJobId(silenced.id))).toBe(false);
    expect(discord.webhookExecutions().slice(before).every((post) => post.threadId !== thread.id)).toBe(true);
  });

  it('a forum post is answered through the forum webhook with thread_id', async () => {
    const { forum, forumPost } = discord.world.channels;
    const message = discord.sendMessage({ channelId: forumPost.id, authorId: newMember(), content: 'how do I cope with this fear of flying', mentionsBot: true });
    expect((await done(message.id)).outcome).toMatchObject({ status: 'posted' });
    const post = discord.webhookExecutions().at(-1)!;
    expect(post.channelId).toBe(forum.id);
    expect(post.threadId).toBe(forumPost.id);
  });

  it('in a DM the persona answers with an embed, without webhooks, and remembers what it said', async () => {
    const { dm } = discord.world.channels;
    const message = discord.sendMessage({ channelId: dm.id, authorId: discord.world.users.member.id, content: 'I love my new puppy so much' });
    expect((await done(message.id)).outcome).toMatchObject({ status: 'posted', persona: 'love' });
    const reply = discord.channelMessages(dm.id).at(-1)!;
    const personaName = reply.embeds[0]?.author?.name;
    expect(Object.values(DEFAULT_PERSONAS).map((persona) => persona.name)).toContain(personaName);
    expect(reply.embeds[0]?.description?.length).toBeGreaterThan(0);
    // The next DM's prompt holds both sides: the same persona's embed reply is its own turn.
    const next = discord.sendMessage({ channelId: dm.id, authorId: discord.world.users.member.id, content: 'I adore him, what should I name him?' });
    expect((await done(next.id)).outcome).toMatchObject({ status: 'posted', persona: 'love' });
    const prompt = worker.logs.find((line) => line.msg === 'prompt' && line.jobId === messageJobId(next.id))?.prompt as { turns: Array<{ role: string; text: string }> };
    const said = reply.embeds[0]!.description!;
    expect(prompt.turns.some((turn) => turn.role === 'assistant' && turn.text.includes(said.slice(0, 40)))).toBe(true);
  });

  it("in a DM another persona's earlier embed reply is quoted as that character's words, not as the answering persona's own", async () => {
    const { dm } = discord.world.channels;
    const first = discord.sendMessage({ channelId: dm.id, authorId: discord.world.users.member.id, content: 'I love my new puppy so much' });
    expect((await done(first.id)).outcome).toMatchObject({ status: 'posted', persona: 'love' });
    const said = discord.channelMessages(dm.id).at(-1)!.embeds[0]!;
    const next = discord.sendMessage({ channelId: dm.id, authorId: discord.world.users.member.id, content: 'I am so angry, I hate that neighbour, he kicked my puppy' });
    expect((await done(next.id)).outcome).toMatchObject({ status: 'posted', persona: 'anger' });
    const prompt = worker.logs.find((line) => line.msg === 'prompt' && line.jobId === messageJobId(next.id))?.prompt as { turns: Array<{ role: string; text: string }> };
    const excerpt = said.description!.slice(0, 40);
    expect(prompt.turns.some((turn) => turn.role === 'assistant' && turn.text.includes(excerpt))).toBe(false);
    expect(prompt.turns.some((turn) => turn.role === 'user' && turn.text.includes(`<<<${said.author!.name} (character): ${excerpt}`))).toBe(true);
  });

  it("a mentioned message's role and channel mentions reach the persona as names", async () => {
    const { roles, channels } = discord.world;
    const message = discord.sendMessage({
      channelId: channels.text.id,
      authorId: newMember(),
      content: `<@&${roles.admin.id}> keeps ignoring me in <#${channels.categorized.id}>, I am so upset`,
      mentionsBot: true,
    });
    expect((await done(message.id)).outcome).toMatchObject({ status: 'posted' });
    const prompt = worker.logs.find((line) => line.msg === 'prompt' && line.jobId === messageJobId(message.id))?.prompt as { turns: Array<{ text: string }> };
    const text = prompt.turns.at(-1)!.text;
    expect(text).toContain('@Admin keeps ignoring me in #vent');
    expect(text).not.toMatch(/<@&|<#/);
  });

  it('a channel at the 15-webhook limit: admins are told once in their log channel, and nothing crashes', async () => {
    const { guild } = discord.world;
    const crowded = discord.addChannel({ guildId: guild.id, type: 0, name: 'crowded' });
    const modLog = discord.addChannel({ guildId: guild.id, type: 0, name: 'mod-log' });
    for (let i = 0; i < 15; i++) {
      const response = await fetch(`${discord.apiUrl}/v10/channels/${crowded.id}/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `other ${i}` }),
      });
      expect(response.status).toBe(200);
    }
    await runSettings(discord.world.users.admin.id, 'logchannel', [{ name: 'channel', type: CHANNEL, value: modLog.id }]);
    const first = discord.sendMessage({ channelId: crowded.id, authorId: newMember(), content: 'I am so sad today', mentionsBot: true });
    expect((await done(first.id)).outcome).toMatchObject({ status: 'skipped', reason: 'cannot-post' });
    const second = discord.sendMessage({ channelId: crowded.id, authorId: newMember(), content: 'I am so happy today', mentionsBot: true });
    expect((await done(second.id)).outcome).toMatchObject({ status: 'skipped', reason: 'cannot-post' });
    // The channel is blocked for a while: the second message costs no generation and no refused request.
    expect(worker.logs.some((line) => line.msg === 'prompt' && line.jobId === messageJobId(second.id))).toBe(false);
    const refused = discord.requests.filter((request) => request.method === 'POST' && request.path.endsWith(`/channels/${crowded.id}/webhooks`) && request.status >= 400);
    expect(refused).toHaveLength(1);
    const notices = discord.channelMessages(modLog.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.content).toMatch(/15 webhooks/);
    expect(notices[0]!.content).toContain(`<#${crowded.id}>`);
  });

  it("threads of a channel without Manage Webhooks: blocked and reported once, for the channel, not per thread", async () => {
    const { guild, roles } = discord.world;
    const locked = discord.addChannel({
      guildId: guild.id,
      type: 0,
      name: 'no-webhooks',
      overwrites: [{ id: roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ManageWebhooks }],
    });
    const threads = ['first', 'second'].map((name) => discord.addChannel({ guildId: guild.id, type: ChannelType.PublicThread, name, parentId: locked.id }));
    const modLog = discord.addChannel({ guildId: guild.id, type: 0, name: 'mod-log-2' });
    await runSettings(discord.world.users.admin.id, 'logchannel', [{ name: 'channel', type: CHANNEL, value: modLog.id }]);
    const first = discord.sendMessage({ channelId: threads[0]!.id, authorId: newMember(), content: 'I am so sad today', mentionsBot: true });
    expect((await done(first.id)).outcome).toMatchObject({ status: 'skipped', reason: 'cannot-post' });
    const second = discord.sendMessage({ channelId: threads[1]!.id, authorId: newMember(), content: 'I am so happy today', mentionsBot: true });
    expect((await done(second.id)).outcome).toMatchObject({ status: 'skipped', reason: 'cannot-post' });
    // The other thread is blocked with its channel: no generation, no second refused request.
    expect(worker.logs.some((line) => line.msg === 'prompt' && line.jobId === messageJobId(second.id))).toBe(false);
    const refused = discord.requests.filter((request) => request.path.endsWith(`/channels/${locked.id}/webhooks`) && request.status >= 400);
    expect(refused).toHaveLength(1);
    const notices = discord.channelMessages(modLog.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.content).toContain(`<#${locked.id}>`);
    expect(notices[0]!.content).toMatch(/Manage Webhooks/);
  });

  it('an admin choosing a channel or a log channel the bot cannot use is told at once what it lacks there', async () => {
    const { guild, roles } = discord.world;
    const denied = (name: string, deny: bigint) => discord.addChannel({ guildId: guild.id, type: 0, name, overwrites: [{ id: roles.bot.id, type: 0, allow: 0n, deny }] });
    const noWebhooks = denied('no-hooks', PermissionFlagsBits.ManageWebhooks);
    const noHistory = denied('no-history', PermissionFlagsBits.ReadMessageHistory);
    const readOnly = denied('read-only', PermissionFlagsBits.SendMessages);
    const fine = discord.addChannel({ guildId: guild.id, type: 0, name: 'fine-log' });
    const content = async (sub: string, options: Array<{ name: string; type: number; value: unknown }>) =>
      ((await runSettings(discord.world.users.admin.id, sub, options)).body.data as { content: string }).content;
    expect(await content('channel', [{ name: 'mode', type: STRING, value: 'mention' }, { name: 'channel', type: CHANNEL, value: noWebhooks.id }])).toMatch(/missing ManageWebhooks/);
    // Without history a reply still posts, only without the conversation before it.
    const withoutHistory = await content('channel', [{ name: 'mode', type: STRING, value: 'mention' }, { name: 'channel', type: CHANNEL, value: noHistory.id }]);
    expect(withoutHistory).toMatch(/missing ReadMessageHistory in <#\d+>; replies there will not see the messages before/);
    expect(withoutHistory).not.toMatch(/will fail/);
    expect(await content('logchannel', [{ name: 'channel', type: CHANNEL, value: readOnly.id }])).toMatch(/missing SendMessages in <#\d+>; notices there will fail/);
    expect(await content('logchannel', [{ name: 'channel', type: CHANNEL, value: fine.id }])).not.toMatch(/missing/);
  });

  it("a bare mention gets no reply and does not use up the person's cooldown", async () => {
    await runSettings(discord.world.users.admin.id, 'cooldown', [{ name: 'user', type: INTEGER, value: 60 }]);
    const member = newMember();
    const bare = discord.sendMessage({ channelId: discord.world.channels.text.id, authorId: member, content: '', mentionsBot: true });
    await gateway.waitForLog((line) => line.msg === 'message has no text to answer' && line.messageId === bare.id, 20_000);
    const real = discord.sendMessage({ channelId: discord.world.channels.text.id, authorId: member, content: 'I got the job, I am so happy!', mentionsBot: true });
    expect((await done(real.id)).outcome).toMatchObject({ status: 'posted' });
    // The cooldown did start with that reply.
    const again = discord.sendMessage({ channelId: discord.world.channels.text.id, authorId: member, content: 'and I start on Monday!', mentionsBot: true });
    await gateway.waitForLog((line) => line.msg === 'rate limited or cooling down' && line.messageId === again.id, 20_000);
  });

  it("a guild's own name and avatar for a persona show on its replies", async () => {
    const answer = await runSettings(discord.world.users.admin.id, 'persona', [
      { name: 'name', type: STRING, value: 'joy' },
      { name: 'enabled', type: BOOLEAN, value: true },
      { name: 'display_name', type: STRING, value: 'Sunny' },
      { name: 'avatar_url', type: STRING, value: 'https://cdn.example.test/sunny.png' },
    ]);
    expect((answer.body.data as { content: string }).content).toContain('joy → Sunny, https://cdn.example.test/sunny.png');
    const refused = await runSettings(discord.world.users.admin.id, 'persona', [
      { name: 'name', type: STRING, value: 'fear' },
      { name: 'enabled', type: BOOLEAN, value: true },
      { name: 'avatar_url', type: STRING, value: 'http://insecure.example.test/x.png' },
    ]);
    expect((refused.body.data as { content: string }).content).toMatch(/https URL/);
    const clyde = await runSettings(discord.world.users.admin.id, 'persona', [
      { name: 'name', type: STRING, value: 'fear' },
      { name: 'enabled', type: BOOLEAN, value: true },
      { name: 'display_name', type: STRING, value: 'Clydesdale' },
    ]);
    expect((clyde.body.data as { content: string }).content).toMatch(/without "discord" or "clyde"/);
    // Silencing and allowing joy again, with no look given, keeps the look its admins set.
    for (const enabled of [false, true]) {
      const toggled = await runSettings(discord.world.users.admin.id, 'persona', [
        { name: 'name', type: STRING, value: 'joy' },
        { name: 'enabled', type: BOOLEAN, value: enabled },
      ]);
      expect((toggled.body.data as { content: string }).content).toContain('joy → Sunny, https://cdn.example.test/sunny.png');
    }
    const message = discord.sendMessage({ channelId: discord.world.channels.text.id, authorId: newMember(), content: 'best news ever, I am so happy!', mentionsBot: true });
    expect((await done(message.id)).outcome).toMatchObject({ status: 'posted', persona: 'joy' });
    const post = discord.webhookExecutions().at(-1)!;
    expect(post.username).toBe('Sunny');
    expect(post.avatarUrl).toBe('https://cdn.example.test/sunny.png');
    // reset_look gives the persona back the operator's name and avatar.
    const reset = await runSettings(discord.world.users.admin.id, 'persona', [
      { name: 'name', type: STRING, value: 'joy' },
      { name: 'enabled', type: BOOLEAN, value: true },
      { name: 'reset_look', type: BOOLEAN, value: true },
    ]);
    expect((reset.body.data as { content: string }).content).not.toContain('Sunny');
    const after = discord.sendMessage({ channelId: discord.world.channels.text.id, authorId: newMember(), content: 'what a wonderful day, I am so happy!', mentionsBot: true });
    expect((await done(after.id)).outcome).toMatchObject({ status: 'posted', persona: 'joy' });
    expect(discord.webhookExecutions().at(-1)!.username).toBe('Joy');
  });
});

describe('a message deleted while its reply is being written (the slow model, on a stack of its own)', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it('its writing stops and nothing is posted: the job ends skipped as deleted and nothing is sent to Discord', async () => {
    stack = await FeelbotStack.start();
    const worker = await stack.spawn('worker', { LLM_MODEL: slowModelPath(), PERSONAS_FILE: longRepliesPersonaFile(LONG_REPLY_TOKENS) });
    await stack.spawn('gateway');
    const message = stack.mention('I am so angry at all of you, you are all idiots');
    const jobId = messageJobId(message.id);
    // Past the worker's first deletion check: the reply is being written.
    await worker.waitForLog((line) => line.msg === 'prompt' && line.jobId === jobId);
    stack.discord.deleteMessage(message.channel_id, message.id);

    const done = await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === jobId, 120_000);
    expect(done.outcome).toMatchObject({ status: 'skipped', reason: 'deleted' });
    // The check while writing stopped it: one attempt, whose reply was never written in full.
    expect(worker.logs.filter((line) => line.msg === 'prompt' && line.jobId === jobId)).toHaveLength(1);
    expect(worker.logs.filter((line) => line.msg === 'a reply being written is no longer wanted: writing stopped' && line.jobId === jobId)).toEqual([
      expect.objectContaining({ why: 'deleted' }),
    ]);
    expect(worker.logs.some((line) => line.msg === 'generated' && line.jobId === jobId)).toBe(false);
    expect(stack.discord.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/webhooks/'))).toEqual([]);
    expect(stack.discord.webhookExecutions()).toHaveLength(0);
  }, 180_000);
});
