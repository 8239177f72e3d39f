import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../src/adapters/discord/webhook-directory.js';
import { RedisReplyPersonas } from '../../src/adapters/redis/redis-reply-personas.js';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { analysisJobId } from '../../src/jobs/analysis-job.js';
import { messageJobId, type MessageJob } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { everythingUnder } from '../support/redis-contents.js';
import type { FeelbotProcess } from '../support/feelbot-process.js';

const EPHEMERAL = 64;
const STRING = 3;
const BOOLEAN = 5;
/** Interaction callback types: a message at once, or "thinking…" to be edited later. */
const CHANNEL_MESSAGE = 4;
const DEFERRED = 5;

/**
 * What the gateway lets into the queue, on a real gateway process (no worker: every job it
 * queues stays there to be looked at) with the real discord.js client against the fake Discord.
 */
describe('the gateway guards the shared queue', () => {
  let stack: FeelbotStack;
  let gateway: FeelbotProcess;
  let connection: Redis;
  let settings: RedisSettingsStore;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    // A long burst window keeps every reply job delayed, so a test sees it before any worker could.
    gateway = await stack.spawn('gateway', { BURST_WINDOW_MS: '30000' });
    connection = new Redis(stack.redis.url, { maxRetriesPerRequest: null });
    settings = new RedisSettingsStore(connection, stack.prefix);
  });

  afterAll(async () => {
    connection?.disconnect();
    await stack?.stop();
  });

  const discord = () => stack.discord;

  const newMember = () => stack.newMember();

  const queued = (messageId: string) => gateway.waitForLog((line) => line.msg === 'queued' && line.messageId === messageId, 10_000);
  const jobFor = (messageId: string) => stack.replyQueue().getJob(messageJobId(messageId));

  function feel(userId: string, text: string, options: { channelId?: string; public?: boolean } = {}) {
    return discord().sendInteraction({
      channelId: options.channelId ?? discord().world.channels.text.id,
      userId,
      commandName: 'feel',
      options: [
        { name: 'text', type: STRING, value: text },
        ...(options.public === undefined ? [] : [{ name: 'public', type: BOOLEAN, value: options.public }]),
      ],
    });
  }

  async function firstAnswer(interactionId: string) {
    const [answer] = await discord().waitFor(() => discord().interactionResponses(interactionId).length > 0 && discord().interactionResponses(interactionId), {
      timeoutMs: 10_000,
    });
    return { type: answer!.callbackType, data: (answer!.body.data ?? {}) as { flags?: number; content?: string } };
  }

  it('a deleted message loses its waiting reply job, and its text leaves the queue', async () => {
    const { text } = discord().world.channels;
    const regretted = stack.mention('I am so angry at all of you, you are all idiots');
    await queued(regretted.id);
    expect(await jobFor(regretted.id)).toBeDefined();
    discord().deleteMessage(text.id, regretted.id);
    await expect.poll(() => jobFor(regretted.id), { timeout: 10_000 }).toBeUndefined();
    // Not in the job, nor in the author's burst buffer, nor anywhere else under the prefix.
    expect(await everythingUnder(connection, stack.prefix)).not.toContain('you are all idiots');
  });

  it("a message edited while its reply waits is answered as edited, in a burst too; an edit that adds the bot's mention asks for nothing", async () => {
    const { text } = discord().world.channels;
    const author = newMember();
    const first = discord().sendMessage({ channelId: text.id, authorId: author, content: 'I am so happy', mentionsBot: true });
    const second = discord().sendMessage({ channelId: text.id, authorId: author, content: 'my exam went well' });
    await Promise.all([queued(first.id), queued(second.id)]);
    discord().editMessage(text.id, first.id, `<@${discord().botUser.id}> I am so sad, I typed that wrong`);
    const revised = (line: Record<string, unknown>) => line.messageId === first.id && line.msg === 'edited before its reply; the reply answers the new text';
    await gateway.waitForLog(revised, 10_000);
    const job = (await jobFor(second.id))!.data as MessageJob;
    expect(job.content).toBe('I am so sad, I typed that wrong\nmy exam went well');
    expect(JSON.stringify(job)).not.toContain('I am so happy');
    // A message that was never queued (no mention, in a mention-only channel) stays unanswered when a
    // mention is edited in. The same author's edits are taken in order, so once the later one is
    // handled, the earlier one was.
    await settings.update(discord().world.guild.id, (current) => ({ ...current, modes: { ...current.modes, [text.id]: 'mention' } }));
    const other = newMember();
    const quiet = discord().sendMessage({ channelId: text.id, authorId: other, content: 'nobody asked you' });
    const control = discord().sendMessage({ channelId: text.id, authorId: other, content: 'hello bot', mentionsBot: true });
    await queued(control.id);
    discord().editMessage(text.id, quiet.id, `<@${discord().botUser.id}> nobody asked you`);
    discord().editMessage(text.id, control.id, `<@${discord().botUser.id}> hello again bot`);
    await gateway.waitForLog((line) => line.messageId === control.id && line.msg === 'edited before its reply; the reply answers the new text', 10_000);
    expect(await jobFor(quiet.id)).toBeUndefined();
    await settings.update(discord().world.guild.id, (current) => ({ ...current, modes: Object.fromEntries(Object.entries(current.modes).filter(([id]) => id !== text.id)) }));
  });

  it('a message deleted at once, before the gateway has queued it, is not left queued either', async () => {
    const { text } = discord().world.channels;
    // The gateway's read of the channel's history, while it builds the job, is held unanswered.
    const release = discord().holdNext(`GET /channels/${text.id}/messages`);
    const regretted = stack.mention('I am so scared nobody will ever like me, forget I said it');
    await discord().waitFor(() => discord().requests.find((r) => r.method === 'GET' && r.path === `/channels/${text.id}/messages`));
    // The deletion reaches the gateway while it is still building the job; the history answers once it is marked.
    discord().deleteMessage(text.id, regretted.id);
    await expect.poll(() => connection.exists(`${stack.prefix}:deleted:${regretted.id}`), { timeout: 10_000 }).toBe(1);
    release();
    await gateway.waitForLog((line) => line.messageId === regretted.id && line.msg === 'deleted while it was being queued; withdrawn', 10_000);
    await expect.poll(() => jobFor(regretted.id), { timeout: 10_000 }).toBeUndefined();
    expect(await everythingUnder(connection, stack.prefix)).not.toContain('nobody will ever like me');
  });

  it("a moderator's bulk delete withdraws the waiting replies of every message it removed", async () => {
    const { text } = discord().world.channels;
    const purged = [stack.mention('first rant, I am furious'), stack.mention('second rant, this is so unfair')];
    for (const message of purged) await queued(message.id);
    discord().deleteMessages(text.id, purged.map((message) => message.id));
    for (const message of purged) await expect.poll(() => jobFor(message.id), { timeout: 10_000 }).toBeUndefined();
    const stored = await everythingUnder(connection, stack.prefix);
    expect(stored).not.toContain('first rant');
    expect(stored).not.toContain('second rant');
  });

  it('/feel past the per-person limit is refused with a private "try again", and queues nothing', async () => {
    // The limit counts per calendar minute: start well inside one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await sleep(60_000 - intoMinute + 100);
    const flooder = newMember();
    const sent = Array.from({ length: 6 }, (_, i) => feel(flooder, `analysis number ${i}, I am so happy`));
    const answers = await Promise.all(sent.map((interaction) => firstAnswer(interaction.id)));
    expect(answers.filter((answer) => answer.type === DEFERRED)).toHaveLength(5);
    const refusedAt = answers.findIndex((answer) => answer.type === CHANNEL_MESSAGE);
    const refused = answers[refusedAt]!;
    expect((refused.data.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(refused.data.content).toMatch(/try again <t:\d+:R>/);
    for (const interaction of sent) await gateway.waitForLog((line) => line.msg === 'interaction handled' && line.interactionId === interaction.id, 10_000);
    const jobs = await Promise.all(sent.map((interaction) => stack.replyQueue().getJob(analysisJobId(interaction.id))));
    expect(jobs.map((job) => job !== undefined)).toEqual(answers.map((answer) => answer.type === DEFERRED));
    // Someone else in the same server is not held back by it.
    expect((await firstAnswer(feel(newMember(), 'I am fine, thanks').id)).type).toBe(DEFERRED);
  });

  it("a public /feel in a channel whose reply mode is off is answered privately", async () => {
    const { guild, channels } = discord().world;
    await settings.update(guild.id, (current) => ({ ...current, modes: { ...current.modes, [channels.categorized.id]: 'off' } }));
    const silenced = await firstAnswer(feel(newMember(), 'I am so happy today', { channelId: channels.categorized.id, public: true }).id);
    expect(silenced.type).toBe(DEFERRED);
    expect((silenced.data.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    const elsewhere = await firstAnswer(feel(newMember(), 'I am so happy today', { channelId: channels.text.id, public: true }).id);
    expect((elsewhere.data.flags ?? 0) & EPHEMERAL).toBe(0);
  });

  it('a public /feel from a member who may not send messages in the channel is answered privately', async () => {
    const { guild } = discord().world;
    const readOnly = discord().addChannel({
      guildId: guild.id,
      type: ChannelType.GuildText,
      name: 'announcements',
      overwrites: [{ id: guild.id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }],
    });
    const answer = await firstAnswer(feel(newMember(), 'I am so happy today', { channelId: readOnly.id, public: true }).id);
    expect(answer.type).toBe(DEFERRED);
    expect((answer.data.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
  });

  it('a public /feel in a thread of a channel the bot cannot see, in a category set to off, is answered privately', async () => {
    const { guild, channels } = discord().world;
    const category = discord().addChannel({ guildId: guild.id, type: ChannelType.GuildCategory, name: 'staff' });
    await settings.update(guild.id, (current) => ({ ...current, modes: { ...current.modes, [category.id]: 'off' } }));
    // Discord tells the bot nothing of a channel it cannot view, nor of its threads; the interaction
    // names the thread and its parent, but the parent's category stays unknown.
    const hidden = discord().addChannel({ guildId: guild.id, type: ChannelType.GuildText, name: 'mods', parentId: category.id }, { announced: false });
    const thread = discord().addChannel({ guildId: guild.id, type: ChannelType.PrivateThread, name: 'case-12', parentId: hidden.id }, { announced: false });
    const answer = await firstAnswer(feel(newMember(), 'I am so happy today', { channelId: thread.id, public: true }).id);
    expect(answer.type).toBe(DEFERRED);
    expect((answer.data.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    // A thread whose parent the bot sees still answers publicly where the mode allows it.
    const visible = discord().addChannel({ guildId: guild.id, type: ChannelType.PublicThread, name: 'chat', parentId: channels.text.id }, { announced: false });
    const open = await firstAnswer(feel(newMember(), 'I am so happy today', { channelId: visible.id, public: true }).id);
    expect((open.data.flags ?? 0) & EPHEMERAL).toBe(0);
  });

  it('a job from a channel where the bot may not send messages (it posts through webhooks) asks the worker not to show "typing"', async () => {
    const { guild, roles, channels } = discord().world;
    const webhooksOnly = discord().addChannel({
      guildId: guild.id,
      type: ChannelType.GuildText,
      name: 'webhooks-only',
      overwrites: [{ id: roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }],
    });
    const there = discord().sendMessage({ channelId: webhooksOnly.id, authorId: newMember(), content: 'I am so happy today', mentionsBot: true });
    const here = discord().sendMessage({ channelId: channels.text.id, authorId: newMember(), content: 'I am so happy today', mentionsBot: true });
    await Promise.all([queued(there.id), queued(here.id)]);
    expect(((await jobFor(there.id))!.data as MessageJob).typing).toBe(false);
    expect(((await jobFor(here.id))!.data as MessageJob).typing).toBe(true);
  });

  it("the job's context names each earlier message's author by id too, so two members of one display name stay two people", async () => {
    const { guild, channels } = discord().world;
    const namesake = (nick: string) => {
      const user = discord().addUser({ username: `alex-${randomUUID().slice(0, 6)}` });
      discord().addMember({ guildId: guild.id, userId: user.id, nick });
      return user.id;
    };
    const [author, other] = [namesake('Alex'), namesake('Alex')];
    const said = discord().sendMessage({ channelId: channels.text.id, authorId: author, content: 'I finally got the job!' });
    const impostor = discord().sendMessage({ channelId: channels.text.id, authorId: other, content: 'I am Alex, and I hate it already' });
    const message = discord().sendMessage({ channelId: channels.text.id, authorId: author, content: 'what do you think?', mentionsBot: true });
    await queued(message.id);
    const job = (await jobFor(message.id))!.data as MessageJob;
    expect(job.author).toEqual({ id: author, displayName: 'Alex' });
    const byId = new Map(job.context.map((entry) => [entry.messageId, entry]));
    expect(byId.get(said.id)).toMatchObject({ authorName: 'Alex', authorId: author });
    expect(byId.get(impostor.id)).toMatchObject({ authorName: 'Alex', authorId: other });
  });

  it("a reply to a forward does not follow the forward into its source channel's messages", async () => {
    const { text, categorized } = discord().world.channels;
    const secret = discord().sendMessage({ channelId: categorized.id, authorId: newMember(), content: 'the staff door code is 4711' });
    const forward = discord().sendMessage({ channelId: text.id, authorId: newMember(), content: '', forwardOf: { channelId: categorized.id, messageId: secret.id } });
    const reply = discord().sendMessage({ channelId: text.id, authorId: newMember(), content: 'what do you think of this?', mentionsBot: true, referencedMessageId: forward.id });
    await queued(reply.id);
    const job = (await jobFor(reply.id))!.data as MessageJob;
    // The texts only: a message id may hold the digits 4711.
    const shown = JSON.stringify(job.context.map(({ messageId: _id, authorId: _author, ...rest }) => rest));
    expect(shown).not.toContain('4711');
    expect(shown).not.toContain('staff door code');
  });

  it("a mention of the bot through the role Discord made for it (the @ picker offers both) is talking to the bot; another role is not", async () => {
    const { channels, roles } = discord().world;
    const author = newMember();
    const viaRole = discord().sendMessage({ channelId: channels.text.id, authorId: author, content: `<@&${roles.bot.id}> I am so happy today, I passed my exam!` });
    await queued(viaRole.id);
    const job = (await jobFor(viaRole.id))!.data as MessageJob;
    expect(job.addressed).toBe(true);
    expect(job.content).toBe('I am so happy today, I passed my exam!');
    const other = newMember();
    const viaAdmins = discord().sendMessage({ channelId: channels.text.id, authorId: other, content: `<@&${roles.admin.id}> I am so happy today` });
    // The same author's next message is taken after the first, so once it is queued the first was judged.
    const control = discord().sendMessage({ channelId: channels.text.id, authorId: other, content: 'hello?', mentionsBot: true });
    await queued(control.id);
    expect(((await jobFor(control.id))!.data as MessageJob).burst ?? []).not.toContain(viaAdmins.id);
    expect(await jobFor(viaAdmins.id)).toBeUndefined();
  });

  it("a reply to a persona's message posted through a webhook since deleted and made again is still talking to the bot", async () => {
    // A channel of its own: other tests here set the category's reply mode to off.
    const categorized = discord().addChannel({ guildId: discord().world.guild.id, type: ChannelType.GuildText, name: `personas-${randomUUID().slice(0, 4)}` });
    // A worker's webhook directory, on the stack's Redis: it makes the channel's webhook and caches it.
    const rest = createDiscordRest(discord().apiUrl, discord().token);
    const directory = new WebhookDirectory(rest, connection, stack.prefix, async () => discord().applicationId);
    const spec = { slot: 'shared', name: 'feelbot' };
    const webhook = await directory.get(categorized.id, spec);
    const personaSaid = discord().sendMessage({ channelId: categorized.id, authorId: discord().botUser.id, webhookId: webhook.id, content: 'What a day that was!' });
    // An admin deletes the webhook; the next reply forgets it and makes another.
    discord().deleteWebhook(webhook.id);
    await directory.forget(categorized.id, spec.slot);
    expect((await directory.get(categorized.id, spec)).id).not.toBe(webhook.id);
    const reply = discord().sendMessage({ channelId: categorized.id, authorId: newMember(), content: 'haha what do you mean by that?', referencedMessageId: personaSaid.id });
    await queued(reply.id);
    expect(((await jobFor(reply.id))!.data as MessageJob).addressed).toBe(true);
  });

  it("a persona's earlier message carries the key of the persona that posted it, as a worker noted it; one no worker noted carries none", async () => {
    const channel = discord().addChannel({ guildId: discord().world.guild.id, type: ChannelType.GuildText, name: `personas-${randomUUID().slice(0, 4)}` });
    const rest = createDiscordRest(discord().apiUrl, discord().token);
    const webhook = await new WebhookDirectory(rest, connection, stack.prefix, async () => discord().applicationId).get(channel.id, { slot: 'shared', name: 'feelbot' });
    const noted = discord().sendMessage({ channelId: channel.id, authorId: discord().botUser.id, webhookId: webhook.id, content: 'That exam was rigged!' });
    const unnoted = discord().sendMessage({ channelId: channel.id, authorId: discord().botUser.id, webhookId: webhook.id, content: 'Maybe next time.' });
    // As the worker that posted it notes it, on the stack's Redis.
    await new RedisReplyPersonas(connection, stack.prefix).record(noted.id, 'anger');
    const message = discord().sendMessage({ channelId: channel.id, authorId: newMember(), content: 'I get a second try!', mentionsBot: true });
    await queued(message.id);
    const byId = new Map(((await jobFor(message.id))!.data as MessageJob).context.map((entry) => [entry.messageId, entry]));
    expect(byId.get(noted.id)).toMatchObject({ persona: expect.any(String), personaKey: 'anger' });
    expect(byId.get(unnoted.id)).toMatchObject({ persona: expect.any(String) });
    expect(byId.get(unnoted.id)).not.toHaveProperty('personaKey');
  });

  it('"Analyze emotion" and /feel read text as people read it: mentions as names, not <@…> markup', async () => {
    const { channels, users, roles } = discord().world;
    const target = discord().sendMessage({ channelId: channels.text.id, authorId: newMember(), content: `<@${users.admin.id}> <@&${roles.admin.id}> i am terrified of the dark` });
    // A fresh member: another test here uses up the seeded member's analyses for the minute.
    const asker = newMember();
    const sent = discord().sendInteraction({ channelId: channels.text.id, userId: asker, commandName: 'Analyze emotion', targetMessageId: target.id });
    // The job is queued after the deferral: the gateway's "interaction handled" line says it is there.
    await gateway.waitForLog((line) => line.msg === 'interaction handled' && line.interactionId === sent.id, 10_000);
    const { text } = (await stack.replyQueue().getJob(analysisJobId(sent.id)))!.data as { text: string };
    expect(text).toBe('@Ada Admin @Admin i am terrified of the dark');
    // /feel's own text too: a mention picked while typing it arrives as markup.
    const typed = feel(asker, `<@${users.admin.id}> makes me so happy`);
    await gateway.waitForLog((line) => line.msg === 'interaction handled' && line.interactionId === typed.id, 10_000);
    expect(((await stack.replyQueue().getJob(analysisJobId(typed.id)))!.data as { text: string }).text).toBe('@Ada Admin makes me so happy');
  });

  it("a forward of the bot's own message does not count as talking to the bot", async () => {
    const { text, categorized } = discord().world.channels;
    const botSaid = discord().sendMessage({ channelId: categorized.id, authorId: discord().botUser.id, content: 'I feel you, that sounds hard.' });
    const author = newMember();
    const forward = discord().sendMessage({
      channelId: text.id,
      authorId: author,
      content: 'look what the bot said lol',
      forwardOf: { channelId: categorized.id, messageId: botSaid.id },
    });
    // The same author's next message is taken after the forward, so once it is queued the forward was judged.
    const control = discord().sendMessage({ channelId: text.id, authorId: author, content: 'anyway I am so happy today', mentionsBot: true });
    await queued(control.id);
    expect(await jobFor(forward.id)).toBeUndefined();
    const job = (await jobFor(control.id))!.data as MessageJob;
    expect(job.burst ?? []).not.toContain(forward.id);
  });
});
