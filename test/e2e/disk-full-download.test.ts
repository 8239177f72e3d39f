import { readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { startModelHost, type ModelHost } from '../support/model-host.js';
import { describePrivileged } from '../support/privileged-test.js';
import { trySetup } from '../support/privileged.js';
import { mountSmallDisk } from '../support/small-disk.js';

/** MODELS_DIR on an 8 MB filesystem: a tmpfs mounted as root or through password-less sudo. */
const DISK_MB = 8;

const disk = trySetup(() => mountSmallDisk('feelbot-full-', DISK_MB));

describePrivileged('a model download onto a disk without room for it', disk, ({ path: smallDisk, remove }) => {
  let host: ModelHost | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
    for (const name of readdirSync(smallDisk)) rmSync(join(smallDisk, name), { recursive: true, force: true });
  });
  afterAll(remove);

  it('`feelbot models pull` refuses before writing a byte, with DISK_FULL naming MODELS_DIR and the bytes it needs', async () => {
    host = await startModelHost(Buffer.alloc(24 * 1024 * 1024, 3), { kind: 'whole' }, 'big.Q4_K_M.gguf');
    const pull = new FeelbotProcess(['models', 'pull'], { LLM_MODEL: host.url, MODELS_DIR: smallDisk });
    expect(await exitWithin(pull, 30_000)).toBe(1);
    const output = pull.output.join('\n');
    expect(output).toMatch(/^feelbot: Not enough free space in MODELS_DIR for /m);
    expect(output).toContain(join(smallDisk, 'llm'));
    expect(output).toContain('25,165,824 bytes');
    expect(output).toContain('ENOSPC');
    expect(output).toContain('(DISK_FULL)');
    expect(readdirSync(join(smallDisk, 'llm'))).toEqual([]);
  }, 60_000);

  it('a disk that something else fills during the download ends `feelbot models pull` with DISK_FULL, not a raw stack trace', async () => {
    // Fits when the download starts: 6 MB at a pace that leaves time to fill the disk under it.
    host = await startModelHost(Buffer.alloc(6 * 1024 * 1024, 4), { kind: 'paced', bytes: 64 * 1024, everyMs: 50 }, 'fits.Q4_K_M.gguf');
    const pull = new FeelbotProcess(['models', 'pull'], { LLM_MODEL: host.url, MODELS_DIR: smallDisk });
    // A ranged request is the download itself, past the check of free space before it.
    const since = Date.now();
    while (!host.requests.some((request) => request.includes(' bytes=')) && Date.now() - since < 30_000) await new Promise((resolve) => setTimeout(resolve, 50));
    fillUp(join(smallDisk, 'filler'));
    expect(await exitWithin(pull, 30_000)).toBe(1);
    const output = pull.output.join('\n');
    expect(output).toMatch(/^feelbot: /m);
    expect(output).toContain('ENOSPC');
    expect(output).toContain('(DISK_FULL)');
    expect(output).not.toContain('node:internal');
    // The process ended from a handler of its own: its download lock goes with it.
    expect(readdirSync(join(smallDisk, 'llm')).filter((name) => name.endsWith('.download-lock'))).toEqual([]);
  }, 60_000);
});

/** Takes every free byte of the disk `path` is on, as another program's log or download would. */
function fillUp(path: string): void {
  const { bavail, bsize } = statfsSync(path.slice(0, path.lastIndexOf('/')));
  try {
    writeFileSync(path, Buffer.alloc(bavail * bsize, 1));
  } catch {
    // ENOSPC on the last block: full, as wanted.
  }
}
