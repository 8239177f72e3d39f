import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageJobId } from '../../src/jobs/message-job.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord/index.js';
import { FeelbotProcess, type LogLine } from '../support/feelbot-process.js';
import { stackEnv } from '../support/feelbot-stack.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

/** ApplicationCommandOptionType.String in the interaction payload. */
const STRING_OPTION = 3;
/** Worker lines that belong to the process, not to a job. */
const PROCESS_MESSAGES = new Set(['worker ready', 'stopping worker', 'emotion classifier loaded']);

describe('structured logs of real gateway and worker processes at LOG_LEVEL=debug', () => {
  let redis: PrivateRedis;
  let discord: FakeDiscord;
  let worker: FeelbotProcess;
  let gateway: FeelbotProcess;
  const interactionTokens: string[] = [];
  const jobIds: string[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    discord = await startFakeDiscord();
    const env = stackEnv(discord, redis, `{logs-${randomUUID().slice(0, 8)}}`);
    worker = new FeelbotProcess(['worker'], env);
    gateway = new FeelbotProcess(['gateway'], env);
    await worker.waitForLog((line) => line.msg === 'worker ready');
    await gateway.waitForLog((line) => line.msg === 'gateway ready');

    // Failures make the processes log errors that carry Discord URLs: a webhook post failing with
    // 500s until REST's own 3 retries are spent (its URL holds the webhook token; the job fails once
    // and is retried, since a 4xx would be permanent) and a typing call refused.
    discord.failNext('POST /webhooks/:id/:token', Array.from({ length: 4 }, () => ({ status: 500 })));
    discord.failNext('POST /channels/:id/typing', [{ status: 403 }]);
    const { guild, channels } = discord.world;
    for (const content of ['I finally got the job, I am so happy!', 'this is so unfair, I am furious']) {
      const user = discord.addUser({ username: `user-${randomUUID().slice(0, 6)}` });
      discord.addMember({ guildId: guild.id, userId: user.id });
      const message = discord.sendMessage({ channelId: channels.text.id, authorId: user.id, content, mentionsBot: true });
      jobIds.push(messageJobId(message.id));
    }
    const feel = discord.sendInteraction({
      channelId: channels.text.id,
      userId: discord.world.users.member.id,
      commandName: 'feel',
      options: [{ name: 'text', type: STRING_OPTION, value: 'I am scared of the storm' }],
    });
    interactionTokens.push(feel.token);
    for (const jobId of jobIds) {
      await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === jobId && (line.outcome as { status?: string }).status === 'posted', 90_000);
    }
    await discord.waitFor(() => discord.interactionResponses(feel.id).length >= 2, { timeoutMs: 60_000 });
    await Promise.all([worker.stop('SIGTERM'), gateway.stop('SIGTERM')]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([worker?.stop('SIGKILL'), gateway?.stop('SIGKILL')]);
    await discord?.close();
    await redis?.stop();
  });

  it('the run did fail once on the webhook and once on typing, so error paths were logged', () => {
    expect(worker.logs.some((line) => line.msg === 'job failed')).toBe(true);
    expect(worker.logs.some((line) => line.msg === 'typing indicator failed')).toBe(true);
  });

  it('every worker line written while handling jobs carries the jobId and the guildId', () => {
    const ready = worker.logs.findIndex((line) => line.msg === 'worker ready');
    const jobLines = worker.logs.slice(ready + 1).filter((line) => !PROCESS_MESSAGES.has(String(line.msg)));
    expect(jobLines.length).toBeGreaterThan(jobIds.length * 3);
    const missing = jobLines.filter((line) => !line.jobId || !line.guildId).map(describeLine);
    expect(missing).toEqual([]);
    expect(new Set(jobLines.map((line) => line.guildId))).toEqual(new Set([discord.world.guild.id]));
  });

  it('every gateway line about a message carries its guildId, and the queued line its jobId', () => {
    const messageLines = gateway.logs.filter((line) => line.messageId !== undefined);
    expect(messageLines.length).toBeGreaterThanOrEqual(jobIds.length);
    expect(messageLines.filter((line) => line.guildId !== discord.world.guild.id).map(describeLine)).toEqual([]);
    const queued = gateway.logs.filter((line) => line.msg === 'queued');
    expect(queued.map((line) => line.jobId).sort()).toEqual(expect.arrayContaining([...jobIds].sort()));
  });

  it('no process output contains the bot token, a webhook token or an interaction token', () => {
    const webhookTokens = [...discord.store.webhooks.values()].map((webhook) => webhook.token).filter((token): token is string => Boolean(token));
    expect(webhookTokens.length).toBeGreaterThan(0);
    const secrets = [discord.token, ...webhookTokens, ...interactionTokens];
    const output = [...worker.output, ...gateway.output];
    expect(output.length).toBeGreaterThan(20);
    const leaks = output.filter((line) => secrets.some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
  });
});

function describeLine(line: LogLine): string {
  return `${String(line.msg)} ${JSON.stringify({ jobId: line.jobId, guildId: line.guildId })}`;
}
