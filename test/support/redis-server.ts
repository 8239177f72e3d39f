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
  /** Starts it as a Redis Cluster node (its nodes.conf in its own data directory). Defaults to false. */
  readonly clusterEnabled?: boolean;
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

/** Ports tried before giving up: another process can take a free port before redis-server binds it. */
const LAUNCH_ATTEMPTS = 5;

/** A redis-server of the test run's own on a free loopback port; never the machine's shared one. */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'feelbot-redis-'));
  const argsFor = (port: number) => [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', options.appendOnly ? 'yes' : 'no',
    '--appendfsync', 'always',
    '--maxmemory-policy', 'noeviction',
    '--dir', dir,
    ...(options.clusterEnabled ? ['--cluster-enabled', 'yes'] : []),
  ];
  let started: { port: number; child: ChildProcess } | undefined;
  for (let attempt = 1; !started; attempt += 1) {
    const port = await freePort();
    try {
      started = { port, child: await launch(argsFor(port), port) };
    } catch (error) {
      // The port was taken between freePort() and the bind: our server exited; try another port.
      if (!(error instanceof ExitedEarly) || attempt >= LAUNCH_ATTEMPTS) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let { child } = started;
  const { port } = started;
  // A revived server must come back on the same port: its URL is already in use by the test.
  const args = argsFor(port);
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

/** The redis-server we started exited before it answered: most often, its port was taken. */
class ExitedEarly extends Error {}

/** Output kept from a starting server, for the error when it does not come up. */
const OUTPUT_TAIL_CHARS = 2_000;

/**
 * Starts redis-server and resolves once it answers. A Redis answering on the port counts only when
 * its INFO names our child's pid: a server another test file started on the same port is not ours.
 */
async function launch(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let spawnError: Error | undefined;
  let output = '';
  child.on('error', (error) => (spawnError = error));
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (output = (output + chunk).slice(-OUTPUT_TAIL_CHARS)));
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (spawnError) {
      throw new Error(
        `The tests start their own redis-server and could not run one (${spawnError.message}). ` +
          'Install it: apt-get install redis-server (Debian/Ubuntu) or brew install redis (macOS).',
        { cause: spawnError },
      );
    }
    if ((await serverPid(port)) === child.pid) return child;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ExitedEarly(`redis-server exited (${child.exitCode ?? child.signalCode}) before answering on port ${port}:\n${output}`);
    }
    if (Date.now() > deadline) {
      await kill(child, 'SIGKILL');
      throw new Error(`redis-server did not start on port ${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The process_id of the Redis answering on `port`, or undefined when none answers. */
async function serverPid(port: number): Promise<number | undefined> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    const pid = /^process_id:(\d+)/m.exec(await probe.info('server'))?.[1];
    return pid === undefined ? undefined : Number(pid);
  } catch {
    return undefined; // Not listening yet.
  } finally {
    probe.disconnect();
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
