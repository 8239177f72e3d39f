import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ggufPayload } from '../../support/gguf-payload.js';
import { startModelHost, type ModelHost } from '../../support/model-host.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODEL_BYTES = 24 * 1024 * 1024;
const model = ggufPayload(MODEL_BYTES);

/** resolveModel in a process of its own, as each replica of `--scale worker=N` runs it; prints what happened. */
function resolveInOwnProcess(url: string, dir: string): Promise<{ code: number | null; out: string }> {
  const script = `import { resolveModel } from './src/adapters/llama/resolve-model.ts';
resolveModel(${JSON.stringify(url)}, { modelsDir: ${JSON.stringify(dir)}, showProgress: false, onWait: () => console.log('WAITING') })
  .then((path) => console.log('OK ' + path), (error) => { console.log('FAIL ' + error.code + ' ' + error.message); process.exitCode = 1; });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

describe('two processes pulling the same model into one MODELS_DIR at once', () => {
  let host: ModelHost | undefined;
  let dir = '';
  afterEach(async () => {
    await host?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('one downloads while the other waits for it, and both end with the whole file, leaving no lock or partial file', async () => {
    // About 8 MB/s: the two starts overlap.
    host = await startModelHost(model, { kind: 'paced', bytes: 256 * 1024, everyMs: 30 }, 'shared.Q8_0.gguf');
    dir = mkdtempSync(join(tmpdir(), 'feelbot-pull-'));
    const results = await Promise.all([resolveInOwnProcess(host.url, dir), resolveInOwnProcess(host.url, dir)]);
    const path = join(dir, 'shared.Q8_0.gguf');
    expect(results.map((result) => [result.code, result.out.trim().split('\n').at(-1)])).toEqual([
      [0, `OK ${path}`],
      [0, `OK ${path}`],
    ]);
    expect(results.filter((result) => result.out.includes('WAITING'))).toHaveLength(1);
    expect(readFileSync(path).equals(model)).toBe(true);
    expect(readdirSync(dir)).toEqual(['shared.Q8_0.gguf']);
  }, 60_000);
});
