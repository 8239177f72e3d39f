import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../src/config.js';

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: unknown;
  deploy?: { resources?: { reservations?: { devices?: Array<{ driver?: string; capabilities?: string[] }> } } };
  volumes?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };

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

  it('workers reserve an NVIDIA GPU and keep models on a volume', () => {
    const worker = compose.services.worker!;
    const device = worker.deploy?.resources?.reservations?.devices?.[0];
    expect(device?.driver).toBe('nvidia');
    expect(device?.capabilities).toContain('gpu');
    expect(worker.volumes?.some((volume) => volume.startsWith('models:'))).toBe(true);
  });
});
