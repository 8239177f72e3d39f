import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveModel } from '../../../src/adapters/llama/resolve-model.js';
import { ErrorCodes } from '../../../src/errors.js';
import { startModelHost, withModelEndpoint, type ModelHost } from '../../support/model-host.js';

const TOKEN = 'hf_NotARealTokenButShapedLikeOne0123456789';

describe('a model host that refuses the download (a gated repository, a missing or wrong HF_TOKEN)', () => {
  let host: ModelHost | undefined;
  let dir = '';
  const savedToken = process.env.HF_TOKEN;
  afterEach(async () => {
    await host?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (savedToken === undefined) delete process.env.HF_TOKEN;
    else process.env.HF_TOKEN = savedToken;
  });

  it.each([
    [401, 'hf:someone/gated-GGUF:Q4_K_M'],
    [403, 'hf:someone/gated-GGUF/gated.Q4_K_M.gguf'],
    [401, 'url'],
  ])('%i for %s says to check HF_TOKEN and accept the terms on the model page, not to find internet access', async (status, uri) => {
    host = await startModelHost(Buffer.alloc(0), { kind: 'refuse', status }, 'gated.Q4_K_M.gguf');
    dir = mkdtempSync(join(tmpdir(), 'feelbot-refused-'));
    process.env.HF_TOKEN = TOKEN;
    const spec = uri === 'url' ? host.url : uri;
    const error = await withModelEndpoint(host.root, () => resolveModel(spec, { modelsDir: dir, showProgress: false, stallTimeoutMs: 5_000 })).then(
      () => new Error('downloaded'),
      (caught: unknown) => caught as Error,
    );
    expect(error).toMatchObject({ code: ErrorCodes.ModelDownloadFailed, userFacing: true });
    expect(error.message).toContain('HF_TOKEN');
    expect(error.message).toContain(uri === 'url' ? "accepted the model's terms on its page" : 'https://huggingface.co/someone/gated-GGUF');
    expect(error.message).not.toContain('internet access');
    expect(error.message).not.toContain(TOKEN);
    expect(host.requests.length).toBeGreaterThan(0);
  });
});
