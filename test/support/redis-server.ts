import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Kills the server with SIGKILL, as a crash would. */
  crash(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  revive(): Promise<void>;
  /** crash() then revive(). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  /** Append-only file persistence, so a restart keeps the data. Defaults to false. */
  readonly appendOnly?: boolean;
}

export interface PrivateRedisForFile {
  readonly server: PrivateRedis;
  /** A connection BullMQ accepts (no per-request retry limit); `duplicate()` it for a blocking worker. */
  readonly connection: Redis;
}

/**
 * A private redis-server and one connection to it for the calling test file: started before its
 * tests and stopped after them. Read `server` and `connection` inside tests and hooks.
 */
export function usePrivateRedis(): PrivateRedisForFile {
  let server: PrivateRedis | undefined;
  let connection: Redis | undefined;
  beforeAll(async () => {
    server = await startPrivateRedis();
    connection = new Redis(server.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    connection?.disconnect();
    await server?.stop();
  });
  return {
    get server() {
      return server!;
    },
    get connection() {
      return connection!;
    },
  };
}

/** A redis-server of the test run's own on a free loopback port; never the machine's shared one. */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'feelbot-redis-'));
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', options.appendOnly ? 'yes' : 'no',
    '--appendfsync', 'always',
    '--maxmemory-policy', 'noeviction',
    '--dir', dir,
  ];
  let child = await launch(args, port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async crash() {
      await kill(child, 'SIGKILL');
    },
    async revive() {
      child = await launch(args, port);
    },
    async restart() {
      await kill(child, 'SIGKILL');
      child = await launch(args, port);
    },
    async stop() {
      await kill(child, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function launch(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (spawnError) {
      throw new Error(
        `The tests start their own redis-server and could not run one (${spawnError.message}). ` +
          'Install it: apt-get install redis-server (Debian/Ubuntu) or brew install redis (macOS).',
        { cause: spawnError },
      );
    }
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return child;
    } catch {
      // Not listening yet.
    } finally {
      probe.disconnect();
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
