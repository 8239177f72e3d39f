import { once } from 'node:events';
import { ChannelType, Client, Events, GatewayDispatchEvents, GatewayIntentBits, MessageFlags, MessageType, REST, Routes, type APIMessage } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './index.js';

/** What a bot without the Guild Members intent learns of members, and a thread started from a message, as Discord shows them. */
describe('the fake Discord shows members and thread starters as Discord does', () => {
  let fake: FakeDiscord;
  const clients: Client[] = [];
  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.destroy()));
  });
  afterAll(async () => {
    await fake?.close();
  });

  const connect = async (intents: GatewayIntentBits[]) => {
    const client = new Client({ intents, rest: { api: fake.apiUrl } });
    clients.push(client);
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
    return client;
  };
  const rest = () => new REST({ api: fake.apiUrl, retries: 0 }).setToken(fake.token);
  const feelbotIntents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

  it('GUILD_CREATE lists only the bot without the Guild Presences intent, every member with it', async () => {
    const client = await connect(feelbotIntents);
    expect([...client.guilds.cache.get(fake.world.guild.id)!.members.cache.keys()]).toEqual([fake.botUser.id]);
    const withPresences = await connect([...feelbotIntents, GatewayIntentBits.GuildPresences]);
    expect(withPresences.guilds.cache.get(fake.world.guild.id)!.members.cache.has(fake.world.users.member.id)).toBe(true);
  });

  it('puts `member` on MESSAGE_CREATE only: a message read over REST, or nested as a reply\'s referenced_message, has none', async () => {
    const client = await connect(feelbotIntents);
    const channelId = fake.world.channels.text.id;
    const created = once(client.ws, GatewayDispatchEvents.MessageCreate);
    const original = fake.sendMessage({ channelId, authorId: fake.world.users.member.id, content: `hello <@${fake.world.users.admin.id}>` });
    const [event] = (await created) as [APIMessage & { member?: unknown; mentions: Array<{ member?: unknown }> }];
    expect(event.member).toBeDefined();
    expect(event.mentions[0]?.member).toBeDefined();

    const read = (await rest().get(Routes.channelMessage(channelId, original.id))) as Record<string, unknown> & { mentions: object[] };
    const listed = (await rest().get(Routes.channelMessages(channelId))) as Array<Record<string, unknown>>;
    expect(read).not.toHaveProperty('member');
    expect(read.mentions[0]).not.toHaveProperty('member');
    expect(listed.find((message) => message.id === original.id)).not.toHaveProperty('member');

    const reply = fake.sendMessage({ channelId, authorId: fake.world.users.admin.id, content: 'hi', referencedMessageId: original.id });
    expect((reply as APIMessage & { member?: unknown }).member).toBeDefined();
    expect(reply.referenced_message).not.toHaveProperty('member');
  });

  it('GET /guilds/{id}/members/{user} gives a member with their nickname, and 404 Unknown Member (10007) for one who is not', async () => {
    const user = fake.addUser({ username: 'nick_owner', globalName: 'Nicholas' });
    fake.addMember({ guildId: fake.world.guild.id, userId: user.id, nick: 'Nicky' });
    await expect(rest().get(Routes.guildMember(fake.world.guild.id, user.id))).resolves.toMatchObject({ nick: 'Nicky', user: { id: user.id } });
    const stranger = fake.addUser({ username: 'stranger' });
    await expect(rest().get(Routes.guildMember(fake.world.guild.id, stranger.id))).rejects.toMatchObject({ status: 404, code: 10_007 });
  });

  it("starting a thread from a message: the thread takes the message's id, and its first message is a THREAD_STARTER_MESSAGE referencing it", async () => {
    const client = await connect(feelbotIntents);
    const channelId = fake.world.channels.text.id;
    const starter = fake.sendMessage({ channelId, authorId: fake.world.users.member.id, content: 'start here' });
    const threadCreated = once(client.ws, GatewayDispatchEvents.ThreadCreate);
    const updated = once(client.ws, GatewayDispatchEvents.MessageUpdate);
    const thread = fake.startThread({ channelId, messageId: starter.id, ownerId: fake.world.users.admin.id, name: 'talk' });
    expect(thread).toMatchObject({ id: starter.id, type: ChannelType.PublicThread, parentId: channelId });
    expect((await threadCreated)[0]).toMatchObject({ id: starter.id, parent_id: channelId, newly_created: true });
    expect(((await updated)[0] as APIMessage).flags! & MessageFlags.HasThread).toBe(MessageFlags.HasThread);

    const [first] = (await rest().get(Routes.channelMessages(thread.id))) as APIMessage[];
    expect(first).toMatchObject({
      type: MessageType.ThreadStarterMessage,
      content: '',
      author: { id: fake.world.users.admin.id },
      message_reference: { message_id: starter.id, channel_id: channelId, guild_id: fake.world.guild.id },
      referenced_message: { id: starter.id, content: 'start here', author: { id: fake.world.users.member.id } },
    });
    expect(first!.referenced_message).not.toHaveProperty('member');
  });
});
