/**
 * A local Discord for tests: REST + gateway, enough for the real discord.js client.
 *
 * @example
 * const fake = await startFakeDiscord();
 * const client = new Client({ intents, rest: { api: fake.apiUrl } });
 * await client.login(fake.token);
 * fake.sendMessage({ channelId: fake.world.channels.text.id, authorId: fake.world.users.member.id, content: 'hi', mentionsBot: true });
 * const run = await fake.waitFor(() => fake.webhookExecutions().at(-1));
 * await client.destroy();
 * await fake.close();
 */
export { FakeDiscord, startFakeDiscord } from './fake-discord.js';
export type { FakeDiscordOptions } from './fake-discord.js';
export type { SendMessageInput, SentInteraction } from './user-events.js';
export type { FaultResponse, RouteMatcher } from './faults.js';
export type { GatewayStats } from './gateway-server.js';
export type { ShardPair } from './shards.js';
export type { InteractionInput } from './payloads/interaction.js';
export type {
  InteractionResponse,
  RecordedFile,
  RecordedRequest,
  TypingCall,
  WaitForOptions,
  WebhookExecution,
} from './recorder.js';
export type { SeededWorld } from './seed.js';
export type { ChannelRecord, GuildRecord, MemberRecord, OverwriteRecord, RoleRecord, UserRecord, WebhookRecord } from './store.js';
export { BOT_PERMISSIONS, EVERYONE_PERMISSIONS } from './world.js';
export { DiscordErrorCode } from './api-error.js';
