import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import {
  AttachmentBuilder,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionContextType,
  REST,
  Routes,
  WebhookClient,
  MessageFlags,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type MessageContextMenuCommandInteraction,
  type Message,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './index.js';

/** The 8-byte signature every PNG starts with, enough for the fake to carry as a "file". */
const PNG_BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const PNG_DATA_URI = `data:image/png;base64,${PNG_BYTES.toString('base64')}`;

/** Resolves with the next messageCreate that matches, ignoring earlier dispatches still in flight. */
function nextMessage(client: Client, matches: (message: Message) => boolean): Promise<Message> {
  return new Promise((resolve) => {
    const listener = (message: Message) => {
      if (!matches(message)) return;
      client.off(Events.MessageCreate, listener);
      resolve(message);
    };
    client.on(Events.MessageCreate, listener);
  });
}

describe('fake Discord with the real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    client = new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        GatewayIntentBits.MessageContent,
        GatewayIntentBits.DirectMessages,
      ],
      rest: { api: fake.apiUrl },
    });
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.close();
  });

  it('logs in through GET /gateway/bot and sees the seeded guild', () => {
    expect(client.user?.id).toBe(fake.botUser.id);
    const guild = client.guilds.cache.get(fake.world.guild.id);
    expect(guild?.channels.cache.get(fake.world.channels.text.id)?.type).toBe(ChannelType.GuildText);
    expect(guild?.channels.cache.get(fake.world.channels.thread.id)?.isThread()).toBe(true);
    expect(fake.requests.some((r) => r.path === '/gateway/bot')).toBe(true);
  });

  it('rejects a wrong bot token with 401', async () => {
    const rest = new REST({ api: fake.apiUrl, retries: 0 }).setToken('wrong');
    await expect(rest.get(Routes.user('@me'))).rejects.toMatchObject({ status: 401 });
  });

  it('delivers a message that mentions the bot as messageCreate', async () => {
    const received = nextMessage(client, (message) => message.content.endsWith('I feel great today'));
    fake.sendMessage({
      channelId: fake.world.channels.text.id,
      authorId: fake.world.users.member.id,
      content: 'I feel great today',
      mentionsBot: true,
    });
    const message = await received;
    expect(message.mentions.has(client.user!)).toBe(true);
    expect(message.content).toContain('I feel great today');
    expect(message.member?.id).toBe(fake.world.users.member.id);
  });

  it('dispatches no message from a channel the bot may not view', async () => {
    const hidden = fake.addChannel({
      guildId: fake.world.guild.id,
      type: ChannelType.GuildText,
      name: 'staff-only',
      overwrites: [{ id: fake.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ViewChannel }],
    });
    const seen: string[] = [];
    const listener = (message: Message) => seen.push(message.channelId);
    client.on(Events.MessageCreate, listener);
    const control = nextMessage(client, (message) => message.content === 'after the secret');
    fake.sendMessage({ channelId: hidden.id, authorId: fake.world.users.member.id, content: 'the secret', mentionsBot: true });
    fake.sendMessage({ channelId: fake.world.channels.text.id, authorId: fake.world.users.member.id, content: 'after the secret' });
    // One gateway connection delivers in order, so once the later message is here the earlier one was not sent.
    await control;
    client.off(Events.MessageCreate, listener);
    expect(seen).toEqual([fake.world.channels.text.id]);
    expect(fake.channelMessages(hidden.id).at(-1)?.content).toContain('the secret');
  });

  it('without Read Message History, lists no history and refuses a single message', async () => {
    const channel = fake.addChannel({
      guildId: fake.world.guild.id,
      type: ChannelType.GuildText,
      name: 'no-history',
      overwrites: [{ id: fake.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ReadMessageHistory }],
    });
    const message = fake.sendMessage({ channelId: channel.id, authorId: fake.world.users.member.id, content: 'earlier words' });
    await expect(client.rest.get(Routes.channelMessages(channel.id))).resolves.toEqual([]);
    await expect(client.rest.get(Routes.channelMessage(channel.id, message.id))).rejects.toMatchObject({ code: 50_013, status: 403 });
    // Where it may read history, the same requests answer.
    const readable = fake.sendMessage({ channelId: fake.world.channels.text.id, authorId: fake.world.users.member.id, content: 'readable words' });
    await expect(client.rest.get(Routes.channelMessage(fake.world.channels.text.id, readable.id))).resolves.toMatchObject({ content: 'readable words' });
  });

  it('fetches a channel over REST', async () => {
    const channel = await client.channels.fetch(fake.world.channels.categorized.id, { force: true });
    expect(channel?.type).toBe(ChannelType.GuildText);
    expect(channel && 'parentId' in channel ? channel.parentId : null).toBe(fake.world.channels.category.id);
  });

  it('creates a webhook with an avatar and executes it into a thread', async () => {
    const channel = client.channels.cache.get(fake.world.channels.text.id);
    if (channel?.type !== ChannelType.GuildText) throw new Error('seeded text channel missing');
    const webhook = await channel.createWebhook({ name: 'Joy', avatar: PNG_DATA_URI });
    const webhookClient = new WebhookClient({ id: webhook.id, token: webhook.token! }, { rest: { api: fake.apiUrl } });
    await webhookClient.send({
      content: 'yay!',
      username: 'Joy',
      threadId: fake.world.channels.thread.id,
      allowedMentions: { parse: [] },
    });
    const execution = await fake.waitFor(() => fake.webhookExecutions().find((e) => e.webhookId === webhook.id));
    expect(execution).toMatchObject({ threadId: fake.world.channels.thread.id, username: 'Joy', content: 'yay!' });
    expect(execution.allowedMentions).toEqual({ parse: [] });
    expect(execution.webhookAvatarBytes?.equals(PNG_BYTES)).toBe(true);
    webhookClient.destroy();
  });

  it("archives a thread with THREAD_UPDATE; a webhook's post reopens it, unless it is locked (50083)", async () => {
    const parent = client.channels.cache.get(fake.world.channels.text.id);
    if (parent?.type !== ChannelType.GuildText) throw new Error('seeded text channel missing');
    const webhook = await parent.createWebhook({ name: 'Joy' });
    const webhookClient = new WebhookClient({ id: webhook.id, token: webhook.token! }, { rest: { api: fake.apiUrl } });
    const open = fake.addChannel({ guildId: fake.world.guild.id, type: ChannelType.PublicThread, name: 'to-archive', parentId: parent.id });
    const archived = once(client, Events.ThreadUpdate);
    fake.closeThread(open.id);
    const [, after] = (await archived) as [unknown, { archived: boolean | null }];
    expect(after.archived).toBe(true);
    const reopened = once(client, Events.ThreadUpdate);
    await webhookClient.send({ content: 'back', threadId: open.id });
    expect(((await reopened) as [unknown, { archived: boolean | null }])[1].archived).toBe(false);
    expect(fake.store.channel(open.id).archived).toBe(false);

    const locked = fake.addChannel({ guildId: fake.world.guild.id, type: ChannelType.PublicThread, name: 'to-lock', parentId: parent.id });
    fake.closeThread(locked.id, { locked: true });
    await expect(webhookClient.send({ content: 'no', threadId: locked.id })).rejects.toMatchObject({ code: 50_083, status: 400 });
    expect(fake.store.channel(locked.id)).toMatchObject({ archived: true, locked: true });
    webhookClient.destroy();
  });

  it('deletes a channel with CHANNEL_DELETE and a thread with THREAD_DELETE (id, guild_id, parent_id, type); requests naming them get 10003', async () => {
    const guildId = fake.world.guild.id;
    const category = fake.addChannel({ guildId, type: ChannelType.GuildCategory, name: 'to-delete' });
    const child = fake.addChannel({ guildId, type: ChannelType.GuildText, name: 'stays', parentId: category.id });
    const thread = fake.addChannel({ guildId, type: ChannelType.PublicThread, name: 'to-delete', parentId: child.id });
    await fake.waitFor(() => client.channels.cache.has(thread.id));

    const threadGone = once(client.ws, GatewayDispatchEvents.ThreadDelete);
    fake.deleteChannel(thread.id);
    expect((await threadGone)[0]).toEqual({ id: thread.id, guild_id: guildId, parent_id: child.id, type: ChannelType.PublicThread });

    const categoryGone = once(client, Events.ChannelDelete);
    const childMoved = once(client, Events.ChannelUpdate);
    fake.deleteChannel(category.id);
    expect(((await categoryGone) as [{ id: string }])[0].id).toBe(category.id);
    expect(((await childMoved) as [unknown, { id: string; parentId: string | null }])[1]).toMatchObject({ id: child.id, parentId: null });
    await expect(client.rest.post(Routes.channelMessages(category.id), { body: { content: 'hi' } })).rejects.toMatchObject({ code: 10_003, status: 404 });
  });

  it('refuses webhooks on threads like Discord does', async () => {
    await expect(
      client.rest.post(Routes.channelWebhooks(fake.world.channels.thread.id), { body: { name: 'Nope' } }),
    ).rejects.toMatchObject({ code: 50_024, status: 400 });
  });

  it('answers 10015 Unknown Webhook after the webhook is deleted under the bot', async () => {
    const webhook = await client.rest.post(Routes.channelWebhooks(fake.world.channels.text.id), { body: { name: 'Sad' } });
    const { id, token } = webhook as { id: string; token: string };
    fake.deleteWebhook(id);
    const error = await client.rest
      .post(Routes.webhook(id, token), { body: { content: 'still there?' }, auth: false })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10_015);
  });

  it('answers 10003 Unknown Channel to a post through a living webhook with the thread_id of a deleted thread', async () => {
    const webhook = (await client.rest.post(Routes.channelWebhooks(fake.world.channels.text.id), { body: { name: 'Gone' } })) as { id: string; token: string };
    const thread = fake.addChannel({ guildId: fake.world.guild.id, type: ChannelType.PublicThread, name: 'short-lived', parentId: fake.world.channels.text.id });
    fake.deleteChannel(thread.id);
    const query = new URLSearchParams({ wait: 'true', thread_id: thread.id });
    await expect(client.rest.post(Routes.webhook(webhook.id, webhook.token), { body: { content: 'anyone?' }, query, auth: false })).rejects.toMatchObject({ code: 10_003, status: 404 });
  });

  it('counts a webhook name or username in characters (code points), as Discord does: 80 emoji pass, 81 are refused', async () => {
    const channelId = fake.addChannel({ guildId: fake.world.guild.id, type: 0, name: 'emoji-names' }).id;
    const webhook = (await client.rest.post(Routes.channelWebhooks(channelId), { body: { name: '🌞'.repeat(80) } })) as { id: string; token: string; name: string };
    expect(webhook.name).toBe('🌞'.repeat(80));
    await expect(client.rest.post(Routes.channelWebhooks(channelId), { body: { name: '🌞'.repeat(81) } })).rejects.toMatchObject({ code: 50_035, status: 400 });
    const execute = (username: string) => client.rest.post(Routes.webhook(webhook.id, webhook.token), { body: { content: 'hi', username }, auth: false });
    await execute('🌞'.repeat(41));
    await execute('🌞'.repeat(80));
    expect(fake.webhookExecutions().slice(-2).map((execution) => [...(execution.username ?? '')].length)).toEqual([41, 80]);
    await expect(execute('🌞'.repeat(81))).rejects.toMatchObject({ code: 50_035, status: 400 });
  });

  it('takes the flags Execute Webhook accepts, serialises a SUPPRESS_EMBEDS message without embeds, and refuses other flags', async () => {
    const webhook = await client.rest.post(Routes.channelWebhooks(fake.world.channels.text.id), { body: { name: 'Flags' } });
    const { id, token } = webhook as { id: string; token: string };
    const flags = MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications;
    const sent = (await client.rest.post(Routes.webhook(id, token), {
      body: { content: 'see https://example.test', embeds: [{ description: 'hidden' }], flags },
      query: new URLSearchParams({ wait: 'true' }),
      auth: false,
    })) as { flags: number; embeds: unknown[] };
    expect(sent).toMatchObject({ flags, embeds: [] });
    expect(fake.webhookExecutions().at(-1)!.flags).toBe(flags);
    await expect(
      client.rest.post(Routes.webhook(id, token), { body: { content: 'x', flags: MessageFlags.Ephemeral }, auth: false }),
    ).rejects.toMatchObject({ code: 50_035, status: 400 });
  });

  it('refuses, as Discord does, a bot or webhook message over 2,000 characters and an embed description over 4,096', async () => {
    const channelId = fake.addChannel({ guildId: fake.world.guild.id, type: 0, name: 'long-messages' }).id;
    const webhook = (await client.rest.post(Routes.channelWebhooks(channelId), { body: { name: 'Long' } })) as { id: string; token: string };
    const tooLong = 'a'.repeat(2_001);
    await expect(client.rest.post(Routes.webhook(webhook.id, webhook.token), { body: { content: tooLong }, auth: false })).rejects.toMatchObject({ code: 50_035, status: 400 });
    await expect(client.rest.post(Routes.channelMessages(channelId), { body: { content: tooLong } })).rejects.toMatchObject({ code: 50_035, status: 400 });
    await expect(client.rest.post(Routes.channelMessages(channelId), { body: { embeds: [{ description: 'b'.repeat(4_097) }] } })).rejects.toMatchObject({ code: 50_035 });
    // The limit counts characters, not UTF-16 units: 2,000 emoji still go through.
    await client.rest.post(Routes.webhook(webhook.id, webhook.token), { body: { content: '😀'.repeat(2_000) }, auth: false });
    expect(fake.webhookExecutions().at(-1)!.content).toBe('😀'.repeat(2_000));
  });

  it('refuses, as Discord does, an execute whose avatar_url has a host without a dot (50035 under avatar_url), and posts nothing', async () => {
    const webhook = (await client.rest.post(Routes.channelWebhooks(fake.world.channels.text.id), { body: { name: 'Avatars' } })) as { id: string; token: string };
    const execute = (avatarUrl: string) => client.rest.post(Routes.webhook(webhook.id, webhook.token), { body: { content: avatarUrl, avatar_url: avatarUrl }, auth: false });
    const before = fake.webhookExecutions().length;
    for (const url of ['https://avatars/joy.png', 'https://-/']) {
      await expect(execute(url), url).rejects.toMatchObject({
        code: 50_035,
        status: 400,
        rawError: { errors: { avatar_url: { _errors: [{ code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' }] } } },
      });
    }
    expect(fake.webhookExecutions()).toHaveLength(before);
    await execute('https://cdn.example.test/joy.png');
    expect(fake.webhookExecutions().at(-1)!.avatarUrl).toBe('https://cdn.example.test/joy.png');
  });

  it('a fault after handling posts the message and then answers the failure, as Discord behind a 502 may', async () => {
    const channelId = fake.addChannel({ guildId: fake.world.guild.id, type: 0, name: 'posted-then-502' }).id;
    fake.failNext('POST /channels/:id/messages', [{ status: 502, afterHandling: true }]);
    const noRetries = new REST({ api: fake.apiUrl, retries: 0 }).setToken(fake.token);
    await expect(noRetries.post(Routes.channelMessages(channelId), { body: { content: 'did it land?' } })).rejects.toMatchObject({ status: 502 });
    expect(fake.channelMessages(channelId).map((message) => message.content)).toEqual(['did it land?']);
  });

  it('dispatches MESSAGE_DELETE_BULK for a purge', async () => {
    const channelId = fake.world.channels.text.id;
    const purged = [1, 2].map((n) => fake.sendMessage({ channelId, authorId: fake.world.users.member.id, content: `purge me ${n}` }).id);
    const deleted = once(client, Events.MessageBulkDelete);
    fake.deleteMessages(channelId, purged);
    const [messages] = (await deleted) as [Map<string, Message>];
    expect([...messages.keys()].sort()).toEqual([...purged].sort());
    expect(fake.channelMessages(channelId).some((message) => purged.includes(message.id))).toBe(false);
  });

  it('retries after a 500 and waits out a 429 retry_after', async () => {
    const channelId = fake.world.channels.text.id;
    fake.failNext('POST /channels/:id/messages', [{ status: 500 }, { status: 429, retryAfter: 0.3 }]);
    await client.rest.post(Routes.channelMessages(channelId), { body: { content: 'after the storm' } });
    const attempts = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);
    expect(attempts.map((r) => r.status)).toEqual([500, 429, 200]);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(300);
    expect(fake.channelMessages(channelId).at(-1)?.content).toBe('after the storm');
  });

  it('records typing', async () => {
    await client.rest.post(Routes.channelTyping(fake.world.channels.text.id));
    expect(fake.typingCalls.at(-1)?.channelId).toBe(fake.world.channels.text.id);
  });

  it('refuses typing (50013) where the bot may not send messages, as in a thread of such a channel', async () => {
    const channel = fake.addChannel({
      guildId: fake.world.guild.id,
      type: ChannelType.GuildText,
      name: 'webhook-only',
      overwrites: [{ id: fake.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages | PermissionFlagsBits.SendMessagesInThreads }],
    });
    const thread = fake.addChannel({ guildId: fake.world.guild.id, type: ChannelType.PublicThread, name: 'chat', parentId: channel.id });
    const before = fake.typingCalls.length;
    for (const where of [channel.id, thread.id]) {
      await expect(client.rest.post(Routes.channelTyping(where))).rejects.toMatchObject({ code: 50_013, status: 403 });
    }
    expect(fake.typingCalls.length).toBe(before);
  });

  it('round-trips a slash command: deferReply then editReply with a PNG', async () => {
    const received = once(client, Events.InteractionCreate) as Promise<[ChatInputCommandInteraction]>;
    const sent = fake.sendInteraction({
      channelId: fake.world.channels.text.id,
      userId: fake.world.users.admin.id,
      commandName: 'mood',
      options: [{ name: 'text', type: 3, value: 'hello' }],
    });
    const [interaction] = await received;
    expect(interaction.isChatInputCommand()).toBe(true);
    expect(interaction.options.getString('text')).toBe('hello');
    expect(interaction.memberPermissions?.has('ManageGuild')).toBe(true);
    await interaction.deferReply();
    await interaction.editReply({ files: [new AttachmentBuilder(PNG_BYTES, { name: 'mood.png' })] });
    const responses = fake.interactionResponses(sent.id);
    expect(responses.map((r) => r.kind)).toEqual(['callback', 'editOriginal']);
    expect(responses[0]!.callbackType).toBe(5);
    const file = responses[1]!.files[0];
    expect(file?.fileName).toBe('mood.png');
    expect(file?.contentType).toBe('image/png');
    expect(file?.bytes.equals(PNG_BYTES)).toBe(true);
  });

  it('the first follow-up to a public deferral is its answer, public whatever its flags; a later one is a message of its own', async () => {
    const received = once(client, Events.InteractionCreate) as Promise<[ChatInputCommandInteraction]>;
    fake.sendInteraction({ channelId: fake.world.channels.text.id, userId: fake.world.users.admin.id, commandName: 'mood', options: [] });
    const [interaction] = await received;
    await interaction.deferReply();
    const first = await interaction.followUp({ content: 'meant to be private', flags: MessageFlags.Ephemeral });
    const second = await interaction.followUp({ content: 'private indeed', flags: MessageFlags.Ephemeral });
    const original = await interaction.fetchReply();
    expect(first.id).toBe(original.id);
    expect(first.flags.has(MessageFlags.Ephemeral)).toBe(false);
    expect(original.content).toBe('meant to be private');
    expect(second.id).not.toBe(original.id);
    expect(second.flags.has(MessageFlags.Ephemeral)).toBe(true);
  });

  it('resumes after the gateway drops and replays missed events', async () => {
    const resumed = once(client, Events.ShardResume);
    fake.disconnectGateway();
    fake.sendMessage({ channelId: fake.world.channels.text.id, authorId: fake.world.users.member.id, content: 'missed me?' });
    const received = nextMessage(client, (message) => message.content === 'missed me?');
    await resumed;
    const message = await received;
    expect(message.content).toBe('missed me?');
    expect(fake.gatewayStats.resumes).toBe(1);
  });

  it('round-trips a message context menu command: reply then followUp with a file', async () => {
    const target = fake.sendMessage({
      channelId: fake.world.channels.text.id,
      authorId: fake.world.users.member.id,
      content: 'why does nobody listen',
    });
    const received = once(client, Events.InteractionCreate) as Promise<[MessageContextMenuCommandInteraction]>;
    const sent = fake.sendInteraction({
      channelId: fake.world.channels.text.id,
      userId: fake.world.users.member.id,
      commandName: 'Read the feeling',
      targetMessageId: target.id,
    });
    const [interaction] = await received;
    expect(interaction.isMessageContextMenuCommand()).toBe(true);
    expect(interaction.targetMessage.content).toBe('why does nobody listen');
    await interaction.reply({ content: 'sadness', flags: MessageFlags.Ephemeral });
    await interaction.followUp({ files: [new AttachmentBuilder(PNG_BYTES, { name: 'sad.png' })] });
    const responses = fake.interactionResponses(sent.id);
    expect(responses.map((r) => [r.kind, r.callbackType])).toEqual([
      ['callback', 4],
      ['followup', null],
    ]);
    expect(responses[0]!.body).toMatchObject({ data: { content: 'sadness', flags: MessageFlags.Ephemeral } });
    expect(responses[1]!.files[0]?.bytes.equals(PNG_BYTES)).toBe(true);
  });

  it('a group DM the bot is not in: a user install runs commands there, and none of its messages reach the bot', async () => {
    const { groupDm, text } = fake.world.channels;
    const { member, admin, owner } = fake.world.users;
    // Raw dispatches: discord.js itself drops a message of a channel it has not cached.
    const seen: unknown[] = [];
    const listener = (packet: { t: string | null; d: unknown }) => void (packet.t === GatewayDispatchEvents.MessageCreate && seen.push(packet.d));
    client.on(Events.Raw, listener);
    const target = fake.sendMessage({ channelId: groupDm.id, authorId: admin.id, content: 'anyone up?' });
    // One gateway socket keeps order: a dispatch of the group DM's message would come before this one.
    const later = nextMessage(client, (message) => message.content === 'after the group DM');
    fake.sendMessage({ channelId: text.id, authorId: member.id, content: 'after the group DM' });
    await later;
    client.off(Events.Raw, listener);
    expect(seen).toEqual([expect.objectContaining({ content: 'after the group DM' })]);

    const received = once(client, Events.InteractionCreate) as Promise<[MessageContextMenuCommandInteraction]>;
    const sent = fake.sendInteraction({ channelId: groupDm.id, userId: member.id, commandName: 'Read the feeling', targetMessageId: target.id });
    const [interaction] = await received;
    expect(interaction.targetMessage.content).toBe('anyone up?');
    expect(sent.payload).toMatchObject({
      context: InteractionContextType.PrivateChannel,
      authorizing_integration_owners: { '1': member.id },
      user: { id: member.id },
      app_permissions: String(PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.MentionEveryone),
      channel: {
        id: groupDm.id,
        type: ChannelType.GroupDM,
        name: 'late night talks',
        icon: null,
        owner_id: member.id,
        recipients: [{ id: member.id }, { id: admin.id }, { id: owner.id }],
      },
      data: { resolved: { messages: { [target.id]: { content: 'anyone up?', channel_id: groupDm.id } } } },
    });
    expect(sent.payload).not.toHaveProperty('guild_id');
    expect(() => fake.sendInteraction({ channelId: groupDm.id, userId: member.id, commandName: 'feel', installedBy: 'server' })).toThrow(/user install/);
  });

  it('stores registered guild commands and uses their ids in interactions', async () => {
    const guildId = fake.world.guild.id;
    const [registered] = [...(await client.application!.commands.set([{ name: 'feel', description: 'Read a feeling' }], guildId)).values()];
    expect(fake.store.commands.get(guildId)?.map((c) => c.name)).toEqual(['feel']);
    const sent = fake.sendInteraction({ channelId: fake.world.channels.text.id, userId: fake.world.users.member.id, commandName: 'feel' });
    expect(sent.payload.data.id).toBe(registered?.id);
  });

  it('sends a referenced reply whose author is pinged', async () => {
    const original = fake.sendMessage({ channelId: fake.world.channels.text.id, authorId: fake.botUser.id, content: 'how are you?' });
    const received = nextMessage(client, (message) => message.content === 'not great');
    fake.sendMessage({
      channelId: fake.world.channels.text.id,
      authorId: fake.world.users.member.id,
      content: 'not great',
      referencedMessageId: original.id,
    });
    const reply = await received;
    expect(reply.reference?.messageId).toBe(original.id);
    expect(reply.mentions.has(client.user!)).toBe(true);
  });

  it('serves message history newest first with limit and before', async () => {
    const channel = fake.world.channels.categorized.id;
    const sent = ['one', 'two', 'three'].map((content) =>
      fake.sendMessage({ channelId: channel, authorId: fake.world.users.member.id, content }),
    );
    const page = (await client.rest.get(Routes.channelMessages(channel), {
      query: new URLSearchParams({ limit: '2', before: sent[2]!.id }),
    })) as { content: string }[];
    expect(page.map((m) => m.content)).toEqual(['two', 'one']);
    const single = (await client.rest.get(Routes.channelMessage(channel, sent[0]!.id))) as { content: string };
    expect(single.content).toBe('one');
  });

  it('requires thread_id for forum webhooks and accepts a forum post', async () => {
    const forum = client.channels.cache.get(fake.world.channels.forum.id);
    if (forum?.type !== ChannelType.GuildForum) throw new Error('seeded forum missing');
    const webhook = await forum.createWebhook({ name: 'Advice' });
    await expect(webhook.send({ content: 'hi' })).rejects.toMatchObject({ code: 220_001 });
    await webhook.send({
      content: 'hi',
      threadId: fake.world.channels.forumPost.id,
      files: [new AttachmentBuilder(PNG_BYTES, { name: 'hug.png' })],
    });
    const execution = fake.webhookExecutions().at(-1);
    expect(execution).toMatchObject({ channelId: forum.id, threadId: fake.world.channels.forumPost.id });
    expect(execution?.files[0]).toMatchObject({ fileName: 'hug.png', contentType: 'image/png' });
  });

  it('caps webhooks at 15 per channel', async () => {
    const channel = fake.addChannel({ guildId: fake.world.guild.id, type: ChannelType.GuildText, name: 'crowded' });
    for (let i = 0; i < 15; i++) {
      await client.rest.post(Routes.channelWebhooks(channel.id), { body: { name: `hook ${i}` } });
    }
    await expect(
      client.rest.post(Routes.channelWebhooks(channel.id), { body: { name: 'one too many' } }),
    ).rejects.toMatchObject({ code: 30_007, status: 400 });
  });

  it('answers 50013 when an overwrite denies the bot Manage Webhooks', async () => {
    const channel = fake.addChannel({
      guildId: fake.world.guild.id,
      type: ChannelType.GuildText,
      name: 'locked',
      overwrites: [{ id: fake.world.roles.bot.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ManageWebhooks }],
    });
    await expect(
      client.rest.post(Routes.channelWebhooks(channel.id), { body: { name: 'Nope' } }),
    ).rejects.toMatchObject({ code: 50_013, status: 403 });
  });

  it('opens a DM and records the bot message', async () => {
    const user = await client.users.fetch(fake.world.users.member.id);
    const dm = await user.createDM();
    await dm.send('are you okay?');
    expect(fake.channelMessages(dm.id).at(-1)).toMatchObject({ content: 'are you okay?', author: { id: fake.botUser.id } });
  });

  it('with enforce_nonce, a second message with the same nonce returns the first instead of posting again; a long nonce is refused', async () => {
    const user = await client.users.fetch(fake.world.users.member.id);
    const dm = await user.createDM();
    const before = fake.channelMessages(dm.id).length;
    const first = await dm.send({ content: 'once', nonce: '1234567890', enforceNonce: true });
    const again = await dm.send({ content: 'once', nonce: '1234567890', enforceNonce: true });
    expect(again.id).toBe(first.id);
    // Without enforce_nonce the nonce is only echoed back: two messages.
    await dm.send({ content: 'twice', nonce: '555' });
    await dm.send({ content: 'twice', nonce: '555' });
    expect(fake.channelMessages(dm.id).length - before).toBe(3);
    // discord.js refuses a long nonce itself; the fake refuses it too, for clients that do not.
    await expect(client.rest.post(Routes.channelMessages(dm.id), { body: { content: 'x', nonce: 'n'.repeat(26) } })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/nonce/) });
  });

  it('waits out a global 429 before the next request', async () => {
    fake.failNext('GET /users/@me', [{ status: 429, retryAfter: 0.2, global: true }]);
    await client.rest.get(Routes.user('@me'));
    const attempts = fake.requests.filter((r) => r.path === '/users/@me');
    expect(attempts.slice(-2).map((r) => r.status)).toEqual([429, 200]);
    expect(attempts.at(-1)!.at - attempts.at(-2)!.at).toBeGreaterThanOrEqual(200);
  });

  it('holds a request unanswered until the test releases it, then serves it as usual', async () => {
    const release = fake.holdNext('GET /users/@me');
    let answered = false;
    const request = client.rest.get(Routes.user('@me')).then((user) => ((answered = true), user));
    const held = await fake.waitFor(() => fake.requests.find((r) => r.path === '/users/@me' && r.status === 0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    release();
    expect(((await request) as { id: string }).id).toBe(fake.botUser.id);
    expect(held.status).toBe(200);
  });

  it('blanks message content for a client without the MessageContent intent unless it is mentioned', async () => {
    const blind = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: fake.apiUrl } });
    const ready = once(blind, Events.ClientReady);
    await blind.login(fake.token);
    await ready;
    try {
      const plain = nextMessage(blind, (message) => message.author.id === fake.world.users.admin.id);
      fake.sendMessage({ channelId: fake.world.channels.text.id, authorId: fake.world.users.admin.id, content: 'secret' });
      expect((await plain).content).toBe('');
      const mentioned = nextMessage(blind, (message) => message.content.endsWith('hey you'));
      fake.sendMessage({ channelId: fake.world.channels.text.id, authorId: fake.world.users.admin.id, content: 'hey you', mentionsBot: true });
      expect((await mentioned).mentions.has(blind.user!)).toBe(true);
    } finally {
      await blind.destroy();
    }
  });

  it('records unknown routes as unhandled', async () => {
    await expect(client.rest.get('/nothing/here' as `/${string}`)).rejects.toMatchObject({ status: 404 });
    expect(fake.unhandledRequests.at(-1)?.path).toBe('/nothing/here');
  });
});

describe("fake Discord's interaction deadlines", () => {
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await startFakeDiscord({ interactionResponseMs: 100, interactionTokenMs: 300 });
  });

  afterAll(async () => {
    await fake?.close();
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const command = () => fake.sendInteraction({ channelId: fake.world.channels.text.id, userId: fake.world.users.admin.id, commandName: 'mood', options: [] });
  const callback = (sent: { id: string; token: string }) =>
    fetch(`${fake.apiUrl}/v10/interactions/${sent.id}/${sent.token}/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 5 }) });
  const followUp = (sent: { token: string }) =>
    fetch(`${fake.apiUrl}/v10/webhooks/${fake.applicationId}/${sent.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'late' }) });

  it('an interaction not answered in time is unknown (10062), as Discord forgets it after 3 s', async () => {
    const late = command();
    await sleep(150);
    const refused = await callback(late);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ code: 10_062 });
    expect((await callback(command())).status).toBe(204);
  });

  it("an interaction's token serves follow-ups until it expires, then answers 401 Invalid Webhook Token (50027)", async () => {
    const sent = command();
    expect((await callback(sent)).status).toBe(204);
    expect((await followUp(sent)).status).toBe(200);
    await sleep(350);
    const expired = await followUp(sent);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: 50_027 });
  });
});
