import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIMessage } from 'discord-api-types/v10';
import type { FakeContext, InteractionRecord } from './context.js';
import { FaultInjector, type FaultResponse, type RouteMatcher } from './faults.js';
import { GatewayServer, PRIVILEGED_INTENTS, type GatewayStats } from './gateway-server.js';
import { createRequestListener } from './http-server.js';
import { channelPayload as channelPayloadFor } from './payloads/channel.js';
import { setThreadState } from './thread-state.js';
import { startThreadFromMessage, type StartThreadInput } from './thread-from-message.js';
import { deleteChannel } from './channel-deletion.js';
import { makeGuildAvailable, makeGuildUnavailable, removeBotFromGuild } from './guild-membership.js';
import { guildCreatePayload as guildCreatePayloadFor } from './payloads/guild.js';
import type { InteractionInput } from './payloads/interaction.js';
import { userPayload } from './payloads/user.js';
import { Recorder, type WaitForOptions } from './recorder.js';
import { Router } from './router.js';
import { applicationEmojiRoutes } from './routes/application-emojis.js';
import { commandRoutes } from './routes/commands.js';
import { guildRoutes } from './routes/guilds.js';
import { interactionRoutes } from './routes/interactions.js';
import { messageRoutes } from './routes/messages.js';
import { metaRoutes } from './routes/meta.js';
import { webhookRoutes } from './routes/webhooks.js';
import { seedWorld, type SeededWorld } from './seed.js';
import { nextSnowflake, randomToken, snowflakeOnShard } from './snowflake.js';
import { FakeStore } from './store.js';
import { deleteUserMessage, deleteUserMessages, editUserMessage, sendApplicationCommand, sendUserMessage, type SendMessageInput, type SentInteraction } from './user-events.js';
import * as world from './world.js';

export interface FakeDiscordOptions {
  /** The bot token the fake accepts. Defaults to a random token. */
  token?: string;
  /** Defaults to "feelbot". */
  botUsername?: string;
  /** HELLO's heartbeat interval. Defaults to 41_250, Discord's usual value. */
  heartbeatIntervalMs?: number;
  /**
   * The privileged intents switched on in the developer portal; an IDENTIFY asking for another is
   * closed with 4014. Defaults to all of them.
   */
  privilegedIntents?: number;
  /** How long an interaction waits for its first response, as Discord's 3 s. */
  interactionResponseMs?: number;
  /** How long an interaction's token serves follow-ups and edits, as Discord's 15 minutes. */
  interactionTokenMs?: number;
  /**
   * The fewest shards Discord accepts, as for a bot past 2,500 guilds: an IDENTIFY whose shard count
   * is lower is closed with 4011 (Sharding Required). Defaults to 1, no sharding required.
   */
  requiredShards?: number;
  /** The `shards` GET /gateway/bot recommends. Defaults to requiredShards, as Discord never recommends fewer than it needs. */
  recommendedShards?: number;
}

/** A local Discord: REST under `apiUrl`, the gateway at `gatewayUrl`, one seeded guild. */
export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly world: SeededWorld;
  readonly store = new FakeStore();
  readonly recorder = new Recorder();
  readonly #faults = new FaultInjector();
  readonly #context: FakeContext;
  readonly #gateway: GatewayServer;
  readonly #server: Server;

  private constructor(options: FakeDiscordOptions) {
    this.token = options.token ?? `${randomToken(24)}.${randomToken(6)}.${randomToken(38)}`;
    const bot = world.addUser(this.store, { username: options.botUsername ?? 'feelbot', bot: true });
    // Discord bots created since 2019 share their id with their application.
    this.applicationId = bot.id;
    this.world = seedWorld(this.store, bot);
    this.#context = {
      store: this.store,
      recorder: this.recorder,
      gateway: { dispatch: (event, data) => this.#gateway.dispatch(event, data) },
      token: this.token,
      botUserId: bot.id,
      applicationId: this.applicationId,
      interactions: new Map<string, InteractionRecord>(),
      interactionDeadlines: { responseMs: options.interactionResponseMs ?? 3_000, tokenMs: options.interactionTokenMs ?? 15 * 60_000 },
      recommendedShards: options.recommendedShards ?? options.requiredShards ?? 1,
      apiBase: '',
      gatewayUrl: '',
    };
    this.#gateway = new GatewayServer(this.#context, options.heartbeatIntervalMs ?? 41_250, options.privilegedIntents ?? PRIVILEGED_INTENTS, options.requiredShards ?? 1);
    const router = new Router().add([
      ...metaRoutes,
      ...commandRoutes,
      ...applicationEmojiRoutes,
      ...guildRoutes,
      ...messageRoutes,
      ...webhookRoutes,
      ...interactionRoutes,
    ]);
    this.#server = createServer(createRequestListener(router, this.#faults, this.#context));
    this.#server.on('upgrade', (request, socket, head) => this.#gateway.handleUpgrade(request, socket, head));
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.#server.address() as AddressInfo;
    fake.#context.apiBase = `http://127.0.0.1:${port}/api/v10`;
    fake.#context.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
    return fake;
  }

  /** The REST base for discord.js's `rest.api`; discord.js appends `/v10` itself. */
  get apiUrl(): string {
    return this.#context.apiBase.replace(/\/v10$/, '');
  }

  get gatewayUrl(): string {
    return this.#context.gatewayUrl;
  }

  /** Where this Discord "serves" images (DISCORD_CDN_URL); `imageAt` reads what a URL under it shows. */
  get cdnUrl(): string {
    return `${new URL(this.#context.apiBase).origin}/cdn`;
  }

  /** The image a CDN URL shows: an application emoji's bytes for `<cdnUrl>/emojis/<id>.png`. */
  imageAt(url: string | null | undefined): Buffer | undefined {
    const id = url?.startsWith(`${this.cdnUrl}/emojis/`) ? /^(\d+)\.png$/.exec(url.slice(this.cdnUrl.length + 8))?.[1] : undefined;
    return id ? this.store.applicationEmojis.get(id)?.bytes : undefined;
  }

  get botUser() {
    return userPayload(this.store.user(this.#context.botUserId));
  }

  get gatewayStats(): GatewayStats {
    return this.#gateway.stats;
  }

  get requests() {
    return this.recorder.requests;
  }

  get unhandledRequests() {
    return this.recorder.unhandledRequests;
  }

  get typingCalls() {
    return this.recorder.typingCalls;
  }

  webhookExecutions() {
    return this.recorder.webhookExecutions;
  }

  interactionResponses(interactionId?: string) {
    const all = this.recorder.interactionResponses;
    return interactionId ? all.filter((response) => response.interactionId === interactionId) : all;
  }

  channelMessages(channelId: string): APIMessage[] {
    return this.store.channelMessages(channelId);
  }

  waitFor<T>(probe: () => T | undefined | null | false, options?: WaitForOptions): Promise<T> {
    return this.recorder.waitFor(probe, options);
  }

  addUser(input: world.AddUserInput) {
    return world.addUser(this.store, input);
  }

  addRole(input: world.AddRoleInput) {
    return world.addRole(this.store, input);
  }

  addMember(input: world.AddMemberInput) {
    return world.addMember(this.store, input);
  }

  /** Adds a guild; connected clients get its GUILD_CREATE, as when the bot joins one. */
  addGuild(input: world.AddGuildInput & { botRoleIds?: string[] }) {
    const guild = world.addGuild(this.store, input);
    world.addMember(this.store, { guildId: guild.id, userId: this.#context.botUserId, roleIds: input.botRoleIds ?? [] });
    this.#gateway.dispatch('GUILD_CREATE', guildCreatePayloadFor(this.store, guild));
    return guild;
  }

  /**
   * Adds a channel or thread and announces it with CHANNEL_CREATE / THREAD_CREATE, unless
   * `announced` is false: Discord tells a bot without Manage Threads nothing of a private thread it is not in.
   */
  addChannel(input: world.AddChannelInput, { announced = true }: { announced?: boolean } = {}) {
    const channel = world.addChannel(this.store, input);
    if (channel.guildId && announced) {
      const isThreadChannel = channel.type >= 10 && channel.type <= 12;
      this.#gateway.dispatch(isThreadChannel ? 'THREAD_CREATE' : 'CHANNEL_CREATE', channelPayloadFor(this.store, channel));
    }
    return channel;
  }

  /** "Create Thread" on a message, as a member does: see startThreadFromMessage. */
  startThread(input: StartThreadInput) {
    return startThreadFromMessage(this.#context, input);
  }

  /** Archives a thread (and locks it, as a moderator may) and dispatches THREAD_UPDATE. */
  closeThread(threadId: string, { locked = false }: { locked?: boolean } = {}) {
    return setThreadState(this.#context, threadId, { archived: true, locked });
  }

  /**
   * Deletes a guild channel, category or thread, as an admin does, and dispatches CHANNEL_DELETE or
   * THREAD_DELETE; later requests naming it get 404 / 10003.
   */
  deleteChannel(channelId: string): void {
    deleteChannel(this.#context, channelId);
  }

  /** Kicks the bot from a guild (or deletes the guild): GUILD_DELETE with no `unavailable` field. */
  removeBotFromGuild(guildId: string): void {
    removeBotFromGuild(this.#context, guildId);
  }

  /** A Discord outage in a guild: GUILD_DELETE with `unavailable: true`. */
  makeGuildUnavailable(guildId: string): void {
    makeGuildUnavailable(this.#context, guildId);
  }

  /** The outage over: GUILD_CREATE with the whole guild again. */
  makeGuildAvailable(guildId: string): void {
    makeGuildAvailable(this.#context, guildId);
  }

  /** Stores a user's message and dispatches MESSAGE_CREATE to every gateway session. */
  sendMessage(input: SendMessageInput): APIMessage {
    return sendUserMessage(this.#context, input);
  }

  /** Changes a user's message and dispatches MESSAGE_UPDATE, as when its author edits it. */
  editMessage(channelId: string, messageId: string, content: string): APIMessage {
    return editUserMessage(this.#context, channelId, messageId, content);
  }

  /** Removes a user's message and dispatches MESSAGE_DELETE, as when its author deletes it. */
  deleteMessage(channelId: string, messageId: string): void {
    deleteUserMessage(this.#context, channelId, messageId);
  }

  /** Removes several messages of one channel at once and dispatches MESSAGE_DELETE_BULK, as a moderator's purge does. */
  deleteMessages(channelId: string, messageIds: readonly string[]): void {
    deleteUserMessages(this.#context, channelId, messageIds);
  }

  /** Dispatches INTERACTION_CREATE for a slash command, or a message context menu command with `targetMessageId`. */
  sendInteraction(input: InteractionInput): SentInteraction {
    return sendApplicationCommand(this.#context, input);
  }

  /** Queues failures for the next requests that match; see FaultResponse for 429 details. */
  failNext(matcher: RouteMatcher, responses: FaultResponse[]): void {
    this.#faults.failNext(matcher, responses);
  }

  /**
   * Holds the next matching request unanswered (recorded, with status 0) until the returned function
   * is called, so a test decides when it completes instead of racing a clock.
   */
  holdNext(matcher: RouteMatcher): () => void {
    return this.#faults.holdNext(matcher);
  }

  /** Deletes a webhook behind the bot's back; later executes get 404 / 10015. */
  deleteWebhook(id: string): void {
    this.store.webhook(id);
    this.store.webhooks.delete(id);
  }

  /**
   * Closes every gateway socket, or only those of shard `shardId`'s sessions, with `code`: by default
   * a resumable one, and the client reconnects and RESUMEs.
   */
  disconnectGateway(code?: number, { shardId }: { shardId?: number } = {}): void {
    this.#gateway.disconnectAll(code, shardId);
  }

  newId(): string {
    return nextSnowflake();
  }

  /** A fresh guild id Discord routes to this shard of `shardCount`, for `addGuild({ id })`. */
  guildIdOnShard(shardId: number, shardCount: number): string {
    return snowflakeOnShard(shardId, shardCount);
  }

  async close(): Promise<void> {
    await this.#gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }
}

export function startFakeDiscord(options?: FakeDiscordOptions): Promise<FakeDiscord> {
  return FakeDiscord.start(options);
}
