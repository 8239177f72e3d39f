import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { stackEnv } from '../support/feelbot-stack.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

const PERSONA_NAMES = Object.values(DEFAULT_PERSONAS).map((persona) => persona.name);

/** `feelbot start` (what `npm start` runs): gateway, worker and HTTP API in one process. */
describe('feelbot start, on the fake Discord and a private Redis', () => {
  let redis: PrivateRedis;
  let discord: FakeDiscord;
  let start: FeelbotProcess;
  let base: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    discord = await startFakeDiscord();
    start = new FeelbotProcess(['start'], stackEnv(discord, redis, `{start-${randomUUID().slice(0, 8)}}`, { HTTP_PORT: '0' }));
    const listening = await start.waitForLog((line) => line.msg === 'http listening', 120_000);
    const [address] = listening.address as { port: number }[];
    base = `http://127.0.0.1:${address!.port}`;
    // The port opens before start-up, for the probes; the bot answers once its gateway is in session.
    await start.waitForLog((line) => line.msg === 'gateway ready', 120_000);
  }, 150_000);

  afterAll(async () => {
    await start?.stop();
    await discord?.close();
    await redis?.stop();
  });

  it('answers a mention with one persona post, with no pings', async () => {
    const { channels, users } = discord.world;
    const mention = discord.sendMessage({ channelId: channels.text.id, authorId: users.member.id, content: 'I finally got the job, I am so happy!', mentionsBot: true });
    await start.waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(mention.id), 60_000);
    const posts = discord.webhookExecutions();
    expect(posts).toHaveLength(1);
    expect(PERSONA_NAMES).toContain(posts[0]!.username);
    expect(posts[0]!.allowedMentions).toMatchObject({ parse: [] });
  });

  it('serves the analysis API and a health check that covers Redis, the classifier and the Discord session', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { redis: 'up', classifier: 'up', discord: 'up' } });
    const analysis = await fetch(`${base}/v1/emotion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'i am terrified of the storm tonight' }) });
    expect(analysis.status).toBe(200);
    expect(await analysis.json()).toMatchObject({ emotion: 'fear', neutral: false });
  });
});
