import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';
import { ErrorCodes } from '../../src/errors.js';
import { startGateway } from '../../src/gateway/start-gateway.js';
import { NO_LOGS } from '../../src/ports/logger.js';
import { CLASSIFIER_SETTINGS } from '../../src/worker/create-classifier.js';
import { startWorker } from '../../src/worker/start-worker.js';
import { interpolateDocument } from '../support/interpolate-compose.js';

interface Service {
  build?: string | { context?: string; target?: string };
  restart?: string;
  stop_grace_period?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: unknown;
  deploy?: { resources?: { reservations?: { devices?: Array<{ driver?: string; capabilities?: string[] }> } } };
  volumes?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const gpuOverride = parse(readFileSync('docker-compose.gpu.yml', 'utf8')) as { services: Record<string, Service> };

describe('docker-compose.yml', () => {
  it('runs Redis, the gateway, the workers and the API', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'gateway', 'redis', 'worker']);
  });

  it('gives Redis AOF, noeviction and a healthcheck', () => {
    const redis = compose.services.redis!;
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis.command?.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.healthcheck).toBeDefined();
  });

  it('sets only variables the config schema knows', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'redis') continue;
      const unknown = Object.keys(service.environment ?? {}).filter((key) => !CONFIG_VARIABLES.includes(key));
      expect(unknown, `${name} sets unknown variables`).toEqual([]);
    }
  });

  it('each role runs its own subcommand with what it needs', () => {
    expect(compose.services.gateway!.command).toEqual(['gateway']);
    expect(compose.services.worker!.command).toEqual(['worker']);
    expect(compose.services.api!.command).toEqual(['api']);
    for (const name of ['gateway', 'worker']) {
      expect(Object.keys(compose.services[name]!.environment ?? {})).toEqual(
        expect.arrayContaining(['DISCORD_TOKEN', 'REDIS_URL', 'QUEUE_PREFIX', 'DISCORD_API_URL']),
      );
    }
    expect(Object.keys(compose.services.worker!.environment ?? {})).toEqual(
      expect.arrayContaining(['EMOTION_MODEL', 'LLM_MODEL', 'LLM_GPU', 'MODELS_DIR']),
    );
  });

  it('every service given PERSONAS_FILE mounts the models volume at /models, where README says to put the file', () => {
    const given = Object.entries(compose.services).filter(([, service]) => service.environment && 'PERSONAS_FILE' in service.environment);
    expect(given.map(([name]) => name).sort()).toEqual(['gateway', 'worker']);
    for (const [name, service] of given) {
      expect(service.volumes ?? [], `${name} reads PERSONAS_FILE`).toEqual(expect.arrayContaining([expect.stringMatching(/^models:\/models(:ro)?$/)]));
    }
  });

  it('workers start on a host without a GPU, and the GPU file reserves an NVIDIA GPU for them', () => {
    const worker = compose.services.worker!;
    // Docker refuses to start a container whose GPU reservation the host cannot meet.
    expect(worker.deploy?.resources?.reservations?.devices).toBeUndefined();
    expect(worker.volumes?.some((volume) => volume.startsWith('models:'))).toBe(true);
    expect(Object.keys(gpuOverride.services)).toEqual(['worker']);
    const device = gpuOverride.services.worker!.deploy?.resources?.reservations?.devices?.[0];
    expect(device?.driver).toBe('nvidia');
    expect(device?.capabilities).toContain('gpu');
  });

  it('GPU workers run the image that carries the CUDA runtime, and fail rather than fall back to the CPU', () => {
    const worker = gpuOverride.services.worker!;
    expect(worker.build).toEqual({ context: '.', target: 'gpu' });
    // Fixed in the file: a .env made from .env.example says LLM_GPU=auto, which would hide a missing CUDA.
    expect(worker.environment?.LLM_GPU).toBe('cuda');
    expect(worker.environment?.LLM_SEQUENCES).toBe('8');
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/^FROM nvidia\/cuda:\$\{CUDA_VERSION\}-runtime-\S+ AS gpu$/m);
    // The CPU image is the last stage, so a plain `build: .` (every other service) builds it.
    expect(dockerfile.trim().split('\n').filter((line) => line.startsWith('FROM ')).at(-1)).toMatch(/ AS cpu$/);
  });

  it('CPU workers default to the documented conversations and context size (config.ts)', () => {
    const env = compose.services.worker!.environment ?? {};
    expect(env.LLM_SEQUENCES).toBe('${LLM_SEQUENCES:-4}');
    expect(env.LLM_CONTEXT_SIZE).toBe('${LLM_CONTEXT_SIZE:-4096}');
  });

  it('every feelbot service comes back after a host or Docker restart, where it exited 0 on SIGTERM', () => {
    for (const name of ['gateway', 'worker', 'api']) expect(compose.services[name]!.restart, name).toBe('unless-stopped');
    // The gateway drains what it holds for up to 10 s, Docker's default time before it kills.
    expect(compose.services.gateway!.stop_grace_period).toBe('20s');
  });

  it('the API classifies as the workers do: with EMOTION_BACKEND=llm it gets their LLM settings and the models volume with the GGUF', () => {
    const worker = compose.services.worker!;
    const api = compose.services.api!;
    const passedByWorker = CLASSIFIER_SETTINGS.filter((name) => worker.environment?.[name] !== undefined);
    expect(passedByWorker).toEqual(expect.arrayContaining(['EMOTION_BACKEND', 'LLM_MODEL', 'LLM_GPU', 'MODELS_DIR']));
    const notAsTheWorker = passedByWorker.filter((name) => api.environment?.[name] !== worker.environment?.[name]);
    expect(notAsTheWorker, 'classifier settings the api does not pass as the worker does').toEqual([]);
    const modelsVolume = (service: Service) => service.volumes?.find((volume) => volume.startsWith('models:'));
    expect(modelsVolume(api)).toBe(modelsVolume(worker));
  });

  it('the gateway takes its Discord shards from .env, every shard Discord recommends when none are set', () => {
    const gateway = (env: Record<string, string>) => interpolateDocument(compose, env).services.gateway!.environment ?? {};
    expect(gateway({})).toMatchObject({ DISCORD_SHARDS: 'auto', DISCORD_SHARD_COUNT: '' });
    expect(gateway({ DISCORD_SHARDS: '4-7', DISCORD_SHARD_COUNT: '8' })).toMatchObject({ DISCORD_SHARDS: '4-7', DISCORD_SHARD_COUNT: '8' });
    const config = loadConfig(Object.fromEntries(Object.entries(gateway({})).map(([key, value]) => [key, String(value)])));
    expect(config.discord).toMatchObject({ shards: 'auto' });
  });

  it('the API container, the one facing HTTP, carries no Discord token', () => {
    expect(Object.keys(compose.services.api!.environment ?? {})).not.toContain('DISCORD_TOKEN');
  });

  it('the GPU and CPU images run as one uid, since both write the shared models volume', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const userOf = (stage: string) => /^USER (\S+)$/m.exec(stage)?.[1];
    const gpu = stages.find((stage) => / AS gpu\n/.test(stage))!;
    const cpu = stages.find((stage) => / AS cpu\n/.test(stage))!;
    expect(userOf(gpu)).toBe('1000:1000');
    // The node images' "node" user is uid 1000.
    expect(userOf(cpu)).toBe('node');
  });

  it('keeps secrets, local models and caches out of the Docker build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'node_modules', 'models/llm', 'models/hub', '.git']));
  });

  it("every feelbot service polls its own /healthz on the port it serves it", () => {
    const ports: Record<string, string> = { gateway: '9464', worker: '9464', api: '8080' };
    for (const [name, port] of Object.entries(ports)) {
      const service = compose.services[name]!;
      const served = service.environment?.METRICS_PORT ?? service.environment?.HTTP_PORT;
      expect(String(served), `${name} serves health on`).toBe(port);
      const test = (service.healthcheck as { test?: string[] } | undefined)?.test?.join(' ') ?? '';
      expect(test, `${name} healthcheck`).toContain(`http://127.0.0.1:${port}/healthz`);
    }
  });
});

describe('docker-compose.yml on a host with no .env', () => {
  it('requires no variable, so a command that needs no Discord token (`docker compose run --rm worker models pull`) runs without one', () => {
    // Compose interpolates the whole file for every command, so one `${VAR:?…}` anywhere stops them all.
    expect(() => interpolateDocument(compose, {})).not.toThrow();
    expect(() => interpolateDocument(gpuOverride, {})).not.toThrow();
  });

  it.each([
    ['gateway', startGateway],
    ['worker', startWorker],
  ] as const)('the %s without DISCORD_TOKEN still stops at start-up with CONFIG_INVALID naming it', async (name, start) => {
    const { services } = interpolateDocument(compose, {});
    const env = Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([key, value]) => [key, String(value)]));
    expect(env.DISCORD_TOKEN).toBe('');
    await expect(start(loadConfig(env), NO_LOGS)).rejects.toMatchObject({ code: ErrorCodes.ConfigInvalid, details: { missing: ['DISCORD_TOKEN'] } });
  });
});
