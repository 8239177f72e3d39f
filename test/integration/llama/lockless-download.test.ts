import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadModel } from '../../../src/adapters/llama/download-model.js';
import { ggufPayload } from '../../support/gguf-payload.js';
import { startModelHost, type ModelHost } from '../../support/model-host.js';

const MODEL_BYTES = 12 * 1024 * 1024;
const model = ggufPayload(MODEL_BYTES, 3);

describe('a download racing one that takes no lock (an older feelbot sharing MODELS_DIR)', () => {
  let host: ModelHost | undefined;
  let dir = '';
  afterEach(async () => {
    await host?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the one that finishes second, whose rename finds the file gone, uses the file the other finished', async () => {
    host = await startModelHost(model, { kind: 'paced', bytes: 256 * 1024, everyMs: 20 }, 'raced.Q8_0.gguf');
    dir = mkdtempSync(join(tmpdir(), 'feelbot-race-'));
    const options = { modelsDir: dir, showProgress: false, stallTimeoutMs: 15_000 };
    const paths = await Promise.all([downloadModel(host.url, options), downloadModel(host.url, options)]);
    expect(paths).toEqual([join(dir, 'raced.Q8_0.gguf'), join(dir, 'raced.Q8_0.gguf')]);
    expect(readFileSync(paths[0]!).equals(model)).toBe(true);
    expect(readdirSync(dir)).toEqual(['raced.Q8_0.gguf']);
  }, 30_000);
});
