import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { WebhookDirectory } from '../../../src/adapters/discord/webhook-directory.js';
import { personaWebhookIds } from '../../../src/adapters/redis/persona-webhook-ids.js';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Each under the 10 s the REST client waits out; three in a row (18 s) outlast the lock's 15 s TTL, so only its renewal keeps the waiter out. */
const RATE_LIMIT_WAIT_S = 6;

describe('finding or creating a channel\'s webhook from several workers', () => {
  const redis = usePrivateRedis();
  const connections: Redis[] = [];
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });

  afterAll(async () => {
    for (const connection of connections) connection.disconnect();
    await discord.close();
  });

  /** A worker process of its own: its own REST client and Redis connection, the deployment's shared prefix. */
  function worker(prefix: string): WebhookDirectory {
    const connection = redis.connection.duplicate();
    connections.push(connection);
    return new WebhookDirectory(createDiscordRest(discord.apiUrl, discord.token), connection, prefix, async () => discord.applicationId);
  }

  /** A worker as above, and how many times it has asked Redis for `lockKey`. */
  function countingWorker(prefix: string, lockKey: string): { directory: WebhookDirectory; lockTries: () => number } {
    const connection = redis.connection.duplicate();
    connections.push(connection);
    const tries = vi.spyOn(connection, 'set');
    return {
      directory: new WebhookDirectory(createDiscordRest(discord.apiUrl, discord.token), connection, prefix, async () => discord.applicationId),
      lockTries: () => tries.mock.calls.filter((call) => call[0] === lockKey).length,
    };
  }

  it('a webhook forgotten after deletion stays among those feelbot posted through, also once the remembered set had aged out, or was cached before it existed', async () => {
    const prefix = `{known-${randomUUID().slice(0, 8)}}`;
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `known-${randomUUID().slice(0, 4)}` });
    const directory = new WebhookDirectory(createDiscordRest(discord.apiUrl, discord.token), redis.connection, prefix, async () => discord.applicationId);
    const spec = { slot: 'shared', name: 'feelbot' };
    const webhook = await directory.get(channel.id, spec);
    const knownKey = feelbotKey(prefix, 'persona-webhooks', channel.id);
    expect(await redis.connection.smembers(knownKey)).toEqual([webhook.id]);
    // The set gone (its 90 days run out, or a webhook cached by a version that kept none), the webhook still in use.
    await redis.connection.del(knownKey);
    discord.deleteWebhook(webhook.id);
    await directory.forget(channel.id, spec.slot);
    const replacement = await directory.get(channel.id, spec);
    expect(await personaWebhookIds(redis.connection, prefix, channel.id)).toEqual(new Set([webhook.id, replacement.id]));
    expect(await redis.connection.ttl(knownKey)).toBeGreaterThan(89 * 24 * 60 * 60);
  });

  it('a webhook in use is remembered again each time it is revalidated, so it never ages out of the set', async () => {
    const prefix = `{known-${randomUUID().slice(0, 8)}}`;
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `reval-${randomUUID().slice(0, 4)}` });
    const directory = new WebhookDirectory(createDiscordRest(discord.apiUrl, discord.token), redis.connection, prefix, async () => discord.applicationId, { revalidateAfterMs: 0 });
    const spec = { slot: 'shared', name: 'feelbot' };
    const webhook = await directory.get(channel.id, spec);
    const knownKey = feelbotKey(prefix, 'persona-webhooks', channel.id);
    await redis.connection.expire(knownKey, 60);
    expect((await directory.get(channel.id, spec)).id).toBe(webhook.id);
    expect(await redis.connection.ttl(knownKey)).toBeGreaterThan(89 * 24 * 60 * 60);
  });

  it('a create Discord carried out before answering 502 is not repeated: the next attempt finds the webhook and reuses it', async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `created-then-502-${randomUUID().slice(0, 4)}` });
    const prefix = `{test-${randomUUID().slice(0, 8)}}`;
    const connection = redis.connection.duplicate();
    connections.push(connection);
    const rest = createDiscordRest(discord.apiUrl, discord.token);
    const directory = new WebhookDirectory(rest, connection, prefix, async () => discord.applicationId, {
      createRest: createDiscordRest(discord.apiUrl, discord.token, { repeatsFailedRequests: false }),
    });
    const spec = { slot: 'joy', name: 'Joy' };
    discord.failNext(`POST /channels/${channel.id}/webhooks`, [{ status: 502, afterHandling: true }]);
    await expect(directory.get(channel.id, spec)).rejects.toMatchObject({ status: 502 });
    expect(discord.store.channelWebhooks(channel.id)).toHaveLength(1);
    const reused = await directory.get(channel.id, spec);
    expect(discord.store.channelWebhooks(channel.id).map((hook) => hook.id)).toEqual([reused.id]);
  });

  it('while one worker\'s create is held up by rate limits for longer than the lock TTL, the other waits and reuses its webhook', async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `slow-create-${randomUUID().slice(0, 4)}` });
    const prefix = `{test-${randomUUID().slice(0, 8)}}`;
    const [first, second] = [worker(prefix), worker(prefix)];
    const spec = { slot: 'joy', name: 'Joy' };
    discord.failNext(`POST /channels/${channel.id}/webhooks`, Array.from({ length: 3 }, () => ({ status: 429, retryAfter: RATE_LIMIT_WAIT_S })));

    const slow = first.get(channel.id, spec);
    // The second worker asks only once the first holds the lock and its create is being rate limited.
    await discord.waitFor(() => discord.requests.find((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/webhooks`));
    const waiting = second.get(channel.id, spec);
    const [made, reused] = await Promise.all([slow, waiting]);

    expect(discord.store.channelWebhooks(channel.id)).toHaveLength(1);
    expect(reused).toMatchObject({ id: made.id, token: made.token });
  }, 60_000);

  it('a worker that stalled past the lock TTL mid-create leaves one webhook: the one the worker that took over cached', async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `lost-lock-${randomUUID().slice(0, 4)}` });
    const prefix = `{test-${randomUUID().slice(0, 8)}}`;
    const [stalled, successor] = [worker(prefix), worker(prefix)];
    const spec = { slot: 'joy', name: 'Joy' };
    // The first create stays unanswered until the successor has made and cached its own.
    const release = discord.holdNext(`POST /channels/${channel.id}/webhooks`);

    const slow = stalled.get(channel.id, spec);
    await discord.waitFor(() => discord.requests.find((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/webhooks`));
    // Its lock expires as it would during a stall (a paused process, renewals that could not reach Redis).
    await redis.connection.del(`${prefix}:webhook-lock:${channel.id}`);
    const taken = await successor.get(channel.id, spec);
    release();
    const late = await slow;

    expect(late).toMatchObject({ id: taken.id, token: taken.token });
    expect(discord.store.channelWebhooks(channel.id).map((hook) => hook.id)).toEqual([taken.id]);
    expect(await stalled.get(channel.id, spec)).toMatchObject({ id: taken.id });
  }, 30_000);

  it('a worker that stalled past the lock TTL mid-create while the successor was still creating deletes its duplicate and posts through the successor\'s', async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `lost-lock-early-${randomUUID().slice(0, 4)}` });
    const prefix = `{test-${randomUUID().slice(0, 8)}}`;
    const lockKey = `${prefix}:webhook-lock:${channel.id}`;
    const stalled = countingWorker(prefix, lockKey);
    const successor = worker(prefix);
    const spec = { slot: 'shared', name: 'feelbot' };
    const creates = () => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/webhooks`);
    const releaseStalled = discord.holdNext(`POST /channels/${channel.id}/webhooks`);
    const releaseSuccessor = discord.holdNext(`POST /channels/${channel.id}/webhooks`);

    const slow = stalled.directory.get(channel.id, spec);
    let stalledDone = false;
    void slow.then(() => (stalledDone = true), () => (stalledDone = true));
    await discord.waitFor(() => creates().length >= 1);
    // Its lock expires as it would during a stall (a paused process, renewals that could not reach Redis).
    await redis.connection.del(lockKey);
    // The successor lists the channel before the stalled worker's webhook exists, and makes its own.
    const taking = successor.get(channel.id, spec);
    await discord.waitFor(() => creates().length >= 2);
    releaseStalled();
    // The successor's create is answered only once the stalled worker has handled its own answer: it returned, or asks for the lock again.
    await discord.waitFor(() => stalledDone || stalled.lockTries() >= 2);
    releaseSuccessor();
    const [late, taken] = await Promise.all([slow, taking]);

    expect(discord.store.channelWebhooks(channel.id).map((hook) => hook.id)).toEqual([taken.id]);
    expect(late).toMatchObject({ id: taken.id, token: taken.token });
  }, 30_000);

  it('a worker that stalled past the lock TTL mid-create and shuts down while it waits for the lock again deletes the webhook it made and posts nothing', async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `lost-lock-stop-${randomUUID().slice(0, 4)}` });
    const prefix = `{test-${randomUUID().slice(0, 8)}}`;
    const lockKey = `${prefix}:webhook-lock:${channel.id}`;
    const stalled = countingWorker(prefix, lockKey);
    const successor = worker(prefix);
    const spec = { slot: 'joy', name: 'Joy' };
    const creates = () => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/webhooks`);
    const releaseStalled = discord.holdNext(`POST /channels/${channel.id}/webhooks`);
    const releaseSuccessor = discord.holdNext(`POST /channels/${channel.id}/webhooks`);
    const shutdown = new AbortController();

    const slow = stalled.directory.get(channel.id, spec, shutdown.signal).then(() => 'got a webhook', (error: unknown) => error);
    await discord.waitFor(() => creates().length >= 1);
    await redis.connection.del(lockKey);
    const taking = successor.get(channel.id, spec);
    await discord.waitFor(() => creates().length >= 2);
    releaseStalled();
    let stalledResult: unknown;
    void slow.then((result) => (stalledResult = result));
    await discord.waitFor(() => stalledResult !== undefined || stalled.lockTries() >= 2);
    shutdown.abort();
    expect(await slow).toMatchObject({ name: 'AbortError' });
    // The successor's create is still unanswered: the stalled worker's webhook is gone, not left uncached.
    expect(discord.store.channelWebhooks(channel.id)).toEqual([]);
    releaseSuccessor();
    const taken = await taking;
    expect(discord.store.channelWebhooks(channel.id).map((hook) => hook.id)).toEqual([taken.id]);
  }, 30_000);

  it('a worker shutting down while it waits for another\'s create stops waiting and creates nothing', async () => {
    const channel = discord.addChannel({ guildId: discord.world.guild.id, type: 0, name: `shutdown-wait-${randomUUID().slice(0, 4)}` });
    const prefix = `{test-${randomUUID().slice(0, 8)}}`;
    const first = worker(prefix);
    const secondConnection = redis.connection.duplicate();
    connections.push(secondConnection);
    const second = new WebhookDirectory(createDiscordRest(discord.apiUrl, discord.token), secondConnection, prefix, async () => discord.applicationId);
    const lockTries = vi.spyOn(secondConnection, 'set');
    const spec = { slot: 'joy', name: 'Joy' };
    // The first worker's create stays unanswered until the second has given up.
    const release = discord.holdNext(`POST /channels/${channel.id}/webhooks`);

    const slow = first.get(channel.id, spec);
    await discord.waitFor(() => discord.requests.find((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/webhooks`));
    const shutdown = new AbortController();
    const waiting = second.get(channel.id, spec, shutdown.signal).then(() => 'got a webhook', (error: unknown) => error);
    // It is waiting for the first worker's lock: it has asked for it more than once.
    await vi.waitFor(() => expect(lockTries.mock.calls.length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    shutdown.abort();
    expect(await waiting).toMatchObject({ name: 'AbortError' });
    // It stopped while the first worker's create was still unanswered, and asked Discord for nothing.
    expect(discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel.id}/webhooks`)).toHaveLength(1);
    release();
    const made = await slow;
    expect(discord.store.channelWebhooks(channel.id).map((hook) => hook.id)).toEqual([made.id]);
  }, 30_000);
});
