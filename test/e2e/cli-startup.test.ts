import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { GENERATED_DIR, tinyModelPath } from '../support/fixtures.js';
import { stackEnv } from '../support/feelbot-stack.js';
import { startPrivateRedis } from '../support/redis-server.js';
import { startModelHost } from '../support/model-host.js';
import { runFeelbot } from '../support/run-feelbot.js';
import { startFakeDiscord } from '../fakes/fake-discord/index.js';
import { writeTinyLora } from '../../scripts/fixtures/tiny-lora.js';

describe('feelbot start-up errors', () => {
  it('start without DISCORD_TOKEN says what is missing and how to get it, and exits non-zero at once', async () => {
    // Models that are not there: a start that looked for them before the token would say so (and
    // with the defaults would download gigabytes from the hub).
    const feelbot = new FeelbotProcess(['start'], { LLM_MODEL: '/nonexistent/model.gguf', EMOTION_MODEL: '/nonexistent' });
    const code = await feelbot.waitForExit();
    const output = feelbot.output.join('\n');
    expect(code).toBe(1);
    expect(output).toContain('DISCORD_TOKEN is not set');
    expect(output).toContain('discord.com/developers/applications');
    expect(output).not.toContain('MODEL_NOT_FOUND');
    expect(feelbot.logs.some((line) => line.msg === 'emotion classifier loaded')).toBe(false);
  });

  it('an invalid setting lists every problem', async () => {
    const feelbot = new FeelbotProcess(['worker'], { LLM_GPU: 'tpu', HTTP_PORT: 'eighty' });
    expect(await feelbot.waitForExit()).toBe(1);
    const output = feelbot.output.join('\n');
    expect(output).toContain('LLM_GPU');
    expect(output).toContain('HTTP_PORT');
  });

  it('a missing model file is a clear start-up error, not a crash', async () => {
    const redis = await startPrivateRedis();
    const feelbot = new FeelbotProcess(['worker'], { DISCORD_TOKEN: 'not-used-before-the-model-loads', REDIS_URL: redis.url, LLM_MODEL: '/nonexistent/model.gguf' });
    expect(await feelbot.waitForExit().finally(() => redis.stop())).toBe(1);
    const output = feelbot.output.join('\n');
    expect(output).toContain('/nonexistent/model.gguf');
    expect(output).toContain('MODEL_NOT_FOUND');
    expect(output).not.toContain('unexpected failure');
  });

  it('a corrupt model file is a clear start-up error, not a crash', async () => {
    const path = `${GENERATED_DIR}corrupt-start.gguf`;
    writeFileSync(path, 'GGUF but not really '.repeat(100));
    const redis = await startPrivateRedis();
    const feelbot = new FeelbotProcess(['worker'], { DISCORD_TOKEN: 'not-used-before-the-model-loads', REDIS_URL: redis.url, LLM_MODEL: path, LLM_GPU: 'cpu' });
    expect(await feelbot.waitForExit().finally(() => redis.stop())).toBe(1);
    const output = feelbot.output.join('\n');
    expect(output).toContain('MODEL_CORRUPT');
    expect(output).toContain(path);
    expect(output).not.toContain('unexpected failure');
  });

  it('a model host that never answers stops `models pull` with MODEL_DOWNLOAD_FAILED once the download stalls, and the process exits', async () => {
    // Accepts every connection and answers nothing, as a host behind a dead route would.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const pull = new FeelbotProcess(['models', 'pull'], { LLM_MODEL: `http://127.0.0.1:${port}/never.gguf`, MODELS_DIR: `${GENERATED_DIR}models-never` });
      // The stall timeout is 15 s; a process that kept waiting for the request would not end here.
      expect(await exitWithin(pull, 45_000)).toBe(1);
      const output = pull.output.join('\n');
      expect(output).toContain('MODEL_DOWNLOAD_FAILED');
      expect(output).toContain('no download progress');
      // Its output is not a terminal: no progress spinner in it.
      expect(output).not.toMatch(/Gathering information|\r/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  }, 60_000);

  it("an LLM_MODEL URL's credentials (a pre-signed query, a user-info password) never reach the output of a `models pull` the host refuses", async () => {
    const signature = 'Sig0123456789abcdefSECRET';
    const password = 'pa55w0rd-of-the-host';
    const host = await startModelHost(Buffer.alloc(1024), { kind: 'refuse', status: 403 });
    try {
      const url = new URL(host.url);
      url.username = 'feelbot';
      url.password = password;
      url.searchParams.set('X-Amz-Signature', signature);
      const pull = new FeelbotProcess(['models', 'pull'], { LLM_MODEL: url.toString(), MODELS_DIR: `${GENERATED_DIR}models-signed`, LOG_LEVEL: 'debug' });
      expect(await exitWithin(pull, 45_000)).toBe(1);
      const output = pull.output.join('\n');
      expect(output).toContain('MODEL_');
      expect(output).not.toContain(signature);
      expect(output).not.toContain(password);
      // What stays is enough to tell which model: its host and file.
      expect(output).toContain(new URL(host.url).pathname.slice(1));
    } finally {
      await host.close();
    }
  }, 60_000);

  it('register-commands against a Discord that rate-limits it for minutes fails at once with DISCORD_RATE_LIMITED and the wait', async () => {
    const redis = await startPrivateRedis();
    const discord = await startFakeDiscord();
    try {
      discord.failNext('PUT /applications/:id/guilds/:guildId/commands', [{ status: 429, retryAfter: 120 }]);
      const register = new FeelbotProcess(['register-commands', '--guild', discord.world.guild.id], stackEnv(discord, redis, '{register-limited}'));
      expect(await register.waitForExit()).toBe(1);
      const output = register.output.join('\n');
      expect(output).toContain('DISCORD_RATE_LIMITED');
      expect(output).toMatch(/for 12\d\.\d s/);
      expect(output).not.toContain('unexpected failure');
      expect(output).not.toContain(discord.token);
    } finally {
      await discord.close();
      await redis.stop();
    }
  }, 60_000);

  it('register-commands in a server the bot is not in, or with a wrong token, or with Discord unreachable, says what to fix, with a code and no stack trace', async () => {
    const redis = await startPrivateRedis();
    const discord = await startFakeDiscord();
    const run = async (args: string[], env: Record<string, string>) => {
      const register = new FeelbotProcess(['register-commands', ...args], env);
      const code = await register.waitForExit();
      const output = register.output.join('\n');
      expect(code).toBe(1);
      expect(output).not.toContain('unexpected failure');
      expect(output).not.toMatch(/\n\s+at /);
      expect(output).not.toContain(discord.token);
      return output;
    };
    try {
      const env = stackEnv(discord, redis, '{register-errors}');
      discord.failNext('PUT /applications/:id/guilds/:guildId/commands', [{ status: 403, code: 50_001, message: 'Missing Access' }]);
      expect(await run(['--guild', discord.world.guild.id], env)).toMatch(/HTTP 403, code 50001[\s\S]*Is the bot in server \d+\? Invite it with the bot and applications\.commands scopes[\s\S]*DISCORD_REQUEST_FAILED/);
      expect(await run(['--guild', discord.world.guild.id], { ...env, DISCORD_TOKEN: 'MTIz.wrong.token' })).toMatch(/Check DISCORD_TOKEN[\s\S]*CONFIG_INVALID/);
      expect(await run(['--guild', discord.world.guild.id], { ...env, DISCORD_API_URL: 'http://127.0.0.1:9/api' })).toContain('DISCORD_UNAVAILABLE');
    } finally {
      await discord.close();
      await redis.stop();
    }
  }, 60_000);

  // A script meant for a test server, `feelbot register-commands --guild "$TEST_GUILD"`, run with TEST_GUILD unset or mistyped.
  it.each([
    ['', 'empty'],
    ['my-test-server', 'a name'],
  ])('register-commands --guild %j (%s, not a server id) is USAGE_INVALID and registers nothing, not globally in every server', async (guild) => {
    const redis = await startPrivateRedis();
    const discord = await startFakeDiscord();
    try {
      const register = new FeelbotProcess(['register-commands', '--guild', guild], stackEnv(discord, redis, '{register-guild-usage}'));
      const code = await register.waitForExit();
      expect({ code, registered: [...discord.store.commands.keys()] }).toEqual({ code: 2, registered: [] });
      const output = register.output.join('\n');
      expect(output).toContain('USAGE_INVALID');
      expect(output).toMatch(/--guild needs a server id/);
      expect(output).toContain('Usage: feelbot register-commands');
    } finally {
      await discord.close();
      await redis.stop();
    }
  }, 60_000);

  it("register-commands with a DISCORD_APPLICATION_ID that is not the token's application stops with CONFIG_INVALID naming both ids, and registers nothing", async () => {
    const redis = await startPrivateRedis();
    const discord = await startFakeDiscord();
    try {
      const wrongId = discord.newId();
      const env = stackEnv(discord, redis, '{register-wrong-app}', { DISCORD_APPLICATION_ID: wrongId });
      const register = new FeelbotProcess(['register-commands', '--guild', discord.world.guild.id], env);
      expect(await register.waitForExit()).toBe(1);
      const output = register.output.join('\n');
      expect(output).toContain('CONFIG_INVALID');
      expect(output).toContain(`DISCORD_APPLICATION_ID=${wrongId}`);
      expect(output).toContain(`application ${discord.applicationId}`);
      expect(output).not.toContain('Is the bot in server');
      expect(output).not.toContain(discord.token);
      expect([...discord.store.commands.keys()]).toEqual([]);
    } finally {
      await discord.close();
      await redis.stop();
    }
  }, 60_000);

  it('an unknown command prints the usage and exits 2', async () => {
    const feelbot = new FeelbotProcess(['fly'], {});
    expect(await feelbot.waitForExit()).toBe(2);
    expect(feelbot.output.join('\n')).toMatch(/Usage: feelbot <command>[\s\S]*analyze/);
  });
});

/** Longer than any of these commands takes to refuse its arguments on a loaded machine; a command still running then is killed. */
const USAGE_MISTAKE_MS = 90_000;
/** Two or three runs of the CLI, each of which can take half a minute just to import on a loaded machine. */
const USAGE_TEST_MS = 200_000;

/**
 * One local port standing in for Redis, Discord and the model host: every connection a command
 * opens is counted and dropped. The first one aborts `passedArguments`: the command got past its
 * arguments and started up, so there is no need to wait for it to fail or hang.
 */
async function startConnectionCounter() {
  let connections = 0;
  const started = new AbortController();
  const server = createTcpServer((socket) => {
    connections += 1;
    socket.destroy();
    started.abort();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: {
      DISCORD_TOKEN: 'not-used-by-a-usage-mistake',
      REDIS_URL: `redis://127.0.0.1:${port}`,
      DISCORD_API_URL: `http://127.0.0.1:${port}/api`,
      LLM_MODEL: `http://127.0.0.1:${port}/model.gguf`,
      EMOTION_MODEL: '/nonexistent/emotion-model',
      MODELS_DIR: `${GENERATED_DIR}models-usage-mistake`,
      HTTP_PORT: '0',
      METRICS_PORT: '0',
    },
    passedArguments: started.signal,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a usage mistake must look like: exit 2, USAGE_INVALID naming the argument and the usage on stderr, nothing done. */
async function usageMistake(args: readonly string[], named: string, usage: string) {
  const counter = await startConnectionCounter();
  try {
    const run = await runFeelbot(args, counter.env, USAGE_MISTAKE_MS, counter.passedArguments);
    return {
      code: run.code,
      // The message is the first thing on stderr: no log line of a start-up before it.
      saysFirst: run.stderr.startsWith('feelbot: '),
      namesIt: run.stderr.includes(`'${named}'`),
      usage: run.stderr.includes(`Usage: feelbot ${usage}`),
      usageInvalid: run.stderr.trimEnd().endsWith('(USAGE_INVALID)'),
      stdout: run.stdout,
      connections: counter.connections(),
    };
  } finally {
    await counter.close();
  }
}

const REFUSED = { code: 2, saysFirst: true, namesIt: true, usage: true, usageInvalid: true, stdout: '', connections: 0 };

describe('a command given an option or a word it does not take', () => {
  const out = `${GENERATED_DIR}no-such-dir/usage-mistake.txt`;
  it.each([
    { command: ['start'], usage: 'start', option: ['--port', '9000'], word: 'now' },
    { command: ['gateway'], usage: 'gateway', option: ['--shard', '1'], word: 'eu' },
    { command: ['worker'], usage: 'worker', option: ['--concurrency', '4'], word: '4' },
    { command: ['api'], usage: 'api', option: ['--port', '9000'], word: '9000' },
    { command: ['chat'], usage: 'chat', option: ['--persona', 'joy'], word: 'joy' },
    { command: ['models', 'pull'], usage: 'models pull', option: ['--force'], word: 'llm' },
    { command: ['register-commands'], usage: 'register-commands [--guild ID]', option: ['--global'], word: '123' },
    { command: ['synth', '--per-emotion', '1', '--out', out], usage: 'synth --per-emotion N --out file.txt', option: ['--seed', '3'], word: 'more' },
  ])('`feelbot $command.0` refuses $option.0 and a stray word with USAGE_INVALID and exit 2, before it connects to anything', async ({ command, usage, option, word }) => {
    expect(await usageMistake([...command, ...option], option[0]!, usage), option.join(' ')).toEqual(REFUSED);
    expect(await usageMistake([...command, word], word, usage), word).toEqual(REFUSED);
  }, USAGE_TEST_MS);

  it('`feelbot models` takes the one word pull: another or none is USAGE_INVALID naming it, before it downloads anything', async () => {
    expect(await usageMistake(['models', 'push'], 'push', 'models pull'), 'push').toEqual(REFUSED);
    expect(await usageMistake(['models'], 'pull', 'models pull'), 'no word').toEqual(REFUSED);
  }, USAGE_TEST_MS);

  it('asking a command for help still prints its usage on stdout and exits 0, starting nothing', async () => {
    const counter = await startConnectionCounter();
    try {
      for (const args of [['api', '--help'], ['models', 'help'], ['worker', '-h']]) {
        const run = await runFeelbot(args, counter.env, USAGE_MISTAKE_MS, counter.passedArguments);
        expect({ code: run.code, usage: run.stdout.startsWith(`Usage: feelbot ${args[0]}`), stderr: run.stderr }, args.join(' ')).toEqual({ code: 0, usage: true, stderr: '' });
      }
      expect(counter.connections()).toBe(0);
    } finally {
      await counter.close();
    }
  }, USAGE_TEST_MS);
});

describe('a worker whose persona leaves no room for the message', () => {
  it('stops at start-up with CONFIG_INVALID naming the persona and the numbers, instead of answering messages it cannot see', async () => {
    const personasFile = `${GENERATED_DIR}persona-fills-context.json`;
    const systemPrompt = 'Zyx kqv, '.repeat(422).slice(0, 3_800);
    writeFileSync(personasFile, JSON.stringify({ personas: { fear: { systemPrompt, sampling: { temperature: 0.8, topP: 0.9, repeatPenalty: 1.1, maxTokens: 1_024 } } } }));
    const redis = await startPrivateRedis();
    const discord = await startFakeDiscord();
    try {
      const env = { ...stackEnv(discord, redis, '{persona-fit-test}'), LLM_CONTEXT_SIZE: '2048', PERSONAS_FILE: personasFile };
      const worker = new FeelbotProcess(['worker'], env);
      expect(await exitWithin(worker, 40_000)).toBe(1);
      const output = worker.output.join('\n');
      expect(output).toContain('CONFIG_INVALID');
      expect(output).toContain('Persona fear');
      expect(output).toContain('LLM_CONTEXT_SIZE=2048');
      expect(output).toContain('maxTokens 1024');
    } finally {
      await discord.close();
      await redis.stop();
    }
  }, 60_000);
});

describe('a worker whose persona names a LoRA adapter that is not there', () => {
  it('stops at start-up with MODEL_NOT_FOUND naming the persona and the path, instead of failing every reply of that persona', async () => {
    const personasFile = `${GENERATED_DIR}persona-missing-lora.json`;
    const loraPath = `${GENERATED_DIR}no-such-lora.gguf`;
    writeFileSync(personasFile, JSON.stringify({ personas: { anger: { lora: loraPath } } }));
    const redis = await startPrivateRedis();
    const discord = await startFakeDiscord();
    try {
      const worker = new FeelbotProcess(['worker'], { ...stackEnv(discord, redis, '{missing-lora-test}'), PERSONAS_FILE: personasFile });
      // Resolves false when the worker exits first.
      const becameReady = await worker.waitForLog((line) => line.msg === 'worker ready', 40_000).then(() => true, () => false);
      if (becameReady) await worker.stop();
      expect(becameReady).toBe(false);
      expect(await worker.waitForExit()).toBe(1);
      const output = worker.output.join('\n');
      expect(output).toContain('MODEL_NOT_FOUND');
      expect(output).toContain('Persona anger');
      expect(output).toContain(loraPath);
      expect(output).not.toContain('unexpected failure');
    } finally {
      await discord.close();
      await redis.stop();
    }
  }, 60_000);
});

describe('a worker whose persona files are there but unusable', () => {
  async function startupFailure(name: string, personas: unknown): Promise<string> {
    const personasFile = `${GENERATED_DIR}persona-${name}.json`;
    writeFileSync(personasFile, JSON.stringify({ personas }));
    const redis = await startPrivateRedis();
    const discord = await startFakeDiscord();
    try {
      const worker = new FeelbotProcess(['worker'], { ...stackEnv(discord, redis, `{${name}}`), PERSONAS_FILE: personasFile });
      const becameReady = await worker.waitForLog((line) => line.msg === 'worker ready', 40_000).then(() => true, () => false);
      if (becameReady) await worker.stop();
      expect(becameReady).toBe(false);
      expect(await worker.waitForExit()).toBe(1);
      const output = worker.output.join('\n');
      expect(output).not.toContain('unexpected failure');
      return output;
    } finally {
      await discord.close();
      await redis.stop();
    }
  }

  it('a LoRA file that is not a LoRA adapter (random bytes, a whole model) stops it at start-up with MODEL_CORRUPT naming each persona', async () => {
    const noise = `${GENERATED_DIR}noise-lora.gguf`;
    writeFileSync(noise, randomBytes(4_096));
    const output = await startupFailure('corrupt-lora', { anger: { lora: noise }, joy: { lora: tinyModelPath() } });
    expect(output).toContain('MODEL_CORRUPT');
    expect(output).toMatch(/Persona anger \(.*\): not a readable GGUF file/);
    expect(output).toMatch(/Persona joy \(.*\): not a LoRA adapter \(its GGUF header says general.type "model"\)/);
  }, 60_000);

  it('a LoRA adapter cut short (a copy or download interrupted, its header whole) stops it at start-up with MODEL_CORRUPT naming the persona', async () => {
    const whole = `${GENERATED_DIR}whole-lora.gguf`;
    writeTinyLora(whole);
    const cut = `${GENERATED_DIR}cut-short-lora.gguf`;
    const bytes = readFileSync(whole);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const output = await startupFailure('cut-short-lora', { joy: { lora: cut } });
    expect(output).toContain('MODEL_CORRUPT');
    expect(output).toMatch(/Persona joy \(.*\): cut-short-lora\.gguf is incomplete or not a GGUF model \(it is [\d,]+ bytes, and its GGUF header says its data runs to [\d,]+\)/);
  }, 60_000);

  it('a LoRA adapter made for another base model stops it at start-up with LORA_MODEL_MISMATCH naming the persona and the tensor', async () => {
    // A sound adapter, for a model twice as wide as the one LLM_MODEL names: llama.cpp would refuse
    // it at every reply of that persona.
    const wider = `${GENERATED_DIR}wider-model-lora.gguf`;
    writeTinyLora(wider, { model: { shape: { embedding: 128, feedForward: 256 } } });
    const output = await startupFailure('lora-other-model', { fear: { lora: wider } });
    expect(output).toContain('LORA_MODEL_MISMATCH');
    expect(output).toMatch(/Persona fear \(.*\): made for another base model: blk\.0\.\w+\.weight is \d+×\d+ in the model, the adapter is for \d+×\d+/);
  }, 60_000);

  it('an avatar image that is not there stops it at start-up with PERSONA_FILE_INVALID, instead of failing every reply that needs it', async () => {
    const output = await startupFailure('missing-avatar', { sadness: { avatar: 'rainy-cat.png' } });
    expect(output).toContain('PERSONA_FILE_INVALID');
    expect(output).toMatch(/Persona sadness \(.*\): Avatar image .*rainy-cat\.png cannot be read/);
  }, 60_000);
});

describe('a gateway whose login Discord refuses', () => {
  it('says why, names the fix, never prints the token, and exits instead of hanging on its Redis connection', async () => {
    const redis = await startPrivateRedis();
    const discord = await startFakeDiscord();
    try {
      const wrongToken = `${discord.token.slice(0, -4)}XXXX`;
      const gateway = new FeelbotProcess(['gateway'], { ...stackEnv(discord, redis, '{login-test}'), DISCORD_TOKEN: wrongToken });
      expect(await exitWithin(gateway, 30_000)).toBe(1);
      const output = gateway.output.join('\n');
      expect(output).toContain('Discord refused the login');
      expect(output).toContain('CONFIG_INVALID');
      expect(output).not.toContain(wrongToken);
    } finally {
      await discord.close();
      await redis.stop();
    }
  }, 60_000);
});
