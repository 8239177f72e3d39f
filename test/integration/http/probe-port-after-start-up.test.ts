import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/cli/command.js';
import { gatewayCommand } from '../../../src/cli/commands/gateway.js';
import { startCommand } from '../../../src/cli/commands/start.js';
import { workerCommand } from '../../../src/cli/commands/worker.js';
import { loadConfig } from '../../../src/config.js';
import { ErrorCodes, FeelbotError } from '../../../src/errors.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord/index.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { closedPort } from '../../support/closed-port.js';
import { stackEnv } from '../../support/feelbot-stack.js';
import { freePort, usePrivateRedis } from '../../support/redis-server.js';

/**
 * The probe port opens before start-up (a model download, a Discord login that can take minutes), so
 * a start-up that fails or is stopped must close it too: a listener left open would keep a process
 * that is done serving /livez 200, or, run in-process, hold the port.
 */
const ASK_MS = 3_000;
/** The REST client gives up on an unanswered request after 15 s and tries again: four hold a login past any test here. */
const UNANSWERED_GATEWAY_REQUESTS = 4;

/** /livez's status, or the connection error's code (ECONNREFUSED) when nothing listens. */
async function livez(port: number): Promise<number | string> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/livez`, { signal: AbortSignal.timeout(ASK_MS) })).status;
  } catch (error) {
    return String((error as { cause?: { code?: string } }).cause?.code ?? error);
  }
}

/** A stop signal as main.ts gives one to a command: `stopped` resolves and `signal` aborts with INTERRUPTED. */
function stopSignal() {
  const controller = new AbortController();
  let resolveStopped!: (signal: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (resolveStopped = resolve));
  return {
    stopped,
    signal: controller.signal,
    stop() {
      resolveStopped('SIGTERM');
      controller.abort(new FeelbotError(ErrorCodes.Interrupted, 'stopped by SIGTERM before it finished.', { details: { signal: 'SIGTERM' } }));
    },
  };
}

describe('the probe port of a start-up that fails or is stopped', () => {
  const redis = usePrivateRedis();
  let discord: FakeDiscord;
  beforeEach(async () => {
    discord = await startFakeDiscord();
  });
  afterEach(async () => {
    await discord?.close();
  });

  /** Runs `command` in this process on the fake Discord and the private Redis; resolves with how it ended. */
  const run = (command: Command, overrides: Record<string, string>, stop = stopSignal()) => ({
    stop,
    ended: command
      .run({ args: [], config: loadConfig({ ...stackEnv(discord, redis.server, `{probe-${randomUUID().slice(0, 8)}}`), HTTP_HOST: '127.0.0.1', ...overrides }), logger: capturedLogger().logger, ...stop })
      .then(() => 'stopped' as const, (error: unknown) => error),
  });

  it.each([
    ['gateway', gatewayCommand, 'METRICS_PORT'],
    ['start', startCommand, 'HTTP_PORT'],
  ] as const)('`feelbot %s` stopped while Discord holds up its login serves /livez until then, and closes the port as it returns', async (_name, command, portSetting) => {
    for (let i = 0; i < UNANSWERED_GATEWAY_REQUESTS; i++) discord.holdNext('GET /gateway/bot');
    const port = await freePort();
    const { stop, ended } = run(command, { [portSetting]: String(port) });
    await discord.waitFor(() => discord.requests.some((request) => request.path === '/gateway/bot'), { timeoutMs: 60_000 });
    const during = await livez(port);
    stop.stop();
    expect({ during, ended: await ended, after: await livez(port) }).toEqual({ during: 200, ended: 'stopped', after: 'ECONNREFUSED' });
  }, 90_000);

  it.each([
    ['worker', workerCommand, 'METRICS_PORT', async () => ({ LLM_MODEL: '/nonexistent/model.gguf' }), ErrorCodes.ModelNotFound],
    ['gateway', gatewayCommand, 'METRICS_PORT', async () => ({ DISCORD_API_URL: `http://127.0.0.1:${await closedPort()}/api` }), ErrorCodes.DiscordUnavailable],
    ['start', startCommand, 'HTTP_PORT', async () => ({ DISCORD_TOKEN: `${discord.token.slice(0, -4)}XXXX` }), ErrorCodes.ConfigInvalid],
  ] as const)('`feelbot %s` whose start-up fails rejects with its code and leaves nothing listening on the port', async (_name, command, portSetting, fault, code) => {
    const port = await freePort();
    const { ended } = run(command, { ...(await fault()), [portSetting]: String(port) });
    expect(await ended).toMatchObject({ code });
    expect(await livez(port)).toBe('ECONNREFUSED');
  }, 90_000);
});
