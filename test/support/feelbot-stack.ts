import { ApplicationCommandOptionType } from 'discord.js';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from '../fakes/fake-discord/index.js';
import { FeelbotProcess } from './feelbot-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from './fixtures.js';
import { startPrivateRedis, type PrivateRedis } from './redis-server.js';

/** The settings every end-to-end process runs with: the fake Discord, a private Redis, the tiny model. */
export function stackEnv(discord: FakeDiscord, redis: PrivateRedis, prefix: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_CDN_URL: discord.cdnUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
    LLM_MODEL: tinyModelPath(),
    LLM_GPU: 'cpu',
    LLM_SEQUENCES: '1',
    LLM_CONTEXT_SIZE: '4096',
    JOB_LOCK_MS: '4000',
    LOG_LEVEL: 'debug',
    ...overrides,
  };
}

/** A private Redis, a fake Discord and the feelbot processes started on them; one per scenario. */
export class FeelbotStack {
  readonly processes: FeelbotProcess[] = [];
  readonly prefix = `{e2e-${randomUUID().slice(0, 8)}}`;
  private connection?: Redis;
  private queue?: Queue;
  private settings?: RedisSettingsStore;

  private constructor(
    readonly redis: PrivateRedis,
    readonly discord: FakeDiscord,
  ) {}

  /** `discord` sets up the fake Discord (a sharded one, say); by default as startFakeDiscord's. */
  static async start(options: { appendOnly?: boolean; discord?: FakeDiscordOptions } = {}): Promise<FeelbotStack> {
    const { discord, ...redis } = options;
    return new FeelbotStack(await startPrivateRedis(redis), await startFakeDiscord(discord));
  }

  env(overrides: Record<string, string> = {}): Record<string, string> {
    return stackEnv(this.discord, this.redis, this.prefix, overrides);
  }

  /** Starts `feelbot worker|gateway` and resolves once it says it is ready. */
  async spawn(command: 'worker' | 'gateway', overrides: Record<string, string> = {}): Promise<FeelbotProcess> {
    const process = new FeelbotProcess([command], this.env(overrides));
    this.processes.push(process);
    await process.waitForLog((line) => line.msg === (command === 'worker' ? 'worker ready' : 'gateway ready'));
    return process;
  }

  /** The test's own connection to the stack's Redis. */
  redisConnection(): Redis {
    this.connection ??= new Redis(this.redis.url, { maxRetriesPerRequest: null });
    return this.connection;
  }

  /** The guild settings the processes read, through the real Redis store. */
  settingsStore(): RedisSettingsStore {
    this.settings ??= new RedisSettingsStore(this.redisConnection(), this.prefix);
    return this.settings;
  }

  replyQueue(): Queue {
    this.queue ??= new Queue('replies', { connection: this.redisConnection(), prefix: this.prefix });
    return this.queue;
  }

  /** A member of its own per message, so bursts and per-user limits never merge or drop them. */
  mention(content: string, channelId = this.discord.world.channels.text.id) {
    return this.discord.sendMessage({ channelId, authorId: this.newMember(), content, mentionsBot: true });
  }

  /** A new member of the seeded guild, with no cooldown or burst of its own yet; returns its user id. */
  newMember(): string {
    const user = this.discord.addUser({ username: `user-${randomUUID().slice(0, 6)}` });
    this.discord.addMember({ guildId: this.discord.world.guild.id, userId: user.id });
    return user.id;
  }

  /** `/feel <text>` from a member of its own, in the text channel; `public` asks for a public answer. */
  feel(text: string, options: { public?: boolean } = {}) {
    const user = this.discord.addUser({ username: `asker-${randomUUID().slice(0, 6)}` });
    this.discord.addMember({ guildId: this.discord.world.guild.id, userId: user.id });
    return this.discord.sendInteraction({
      channelId: this.discord.world.channels.text.id,
      userId: user.id,
      commandName: 'feel',
      options: [
        { name: 'text', type: ApplicationCommandOptionType.String as const, value: text },
        ...(options.public === undefined ? [] : [{ name: 'public', type: ApplicationCommandOptionType.Boolean as const, value: options.public }]),
      ],
    });
  }

  /** Each process's last lines, labelled: what a failed test prints to say what the stack did. */
  outputs(lines = 40): string {
    return this.processes.map((process, i) => `--- process ${i + 1} (${process.args.join(' ')}), last ${lines} lines:\n${process.output.slice(-lines).join('\n')}`).join('\n');
  }

  /** Kills the processes and frees the ports; after a failed test it first prints `outputs()`. */
  async stop(context?: { task: { result?: { state?: string } } }): Promise<void> {
    if (context?.task.result?.state === 'fail') console.error(this.outputs());
    await Promise.all(this.processes.map((process) => process.stop('SIGKILL')));
    await this.queue?.close();
    this.connection?.disconnect();
    await this.discord.close();
    await this.redis.stop();
  }
}
