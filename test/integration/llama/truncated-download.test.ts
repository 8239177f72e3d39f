import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveModel } from '../../../src/adapters/llama/resolve-model.js';
import { ErrorCodes } from '../../../src/errors.js';
import { startModelHost, type ModelHost } from '../../support/model-host.js';

const MODEL_BYTES = 24 * 1024 * 1024;
/** Longer than ipull's pauses between its retries (up to about 4 s), so only new bytes can keep a download alive. */
const STALL_TIMEOUT_MS = 7_000;
/** A download that never gives up is still running here. */
const DEADLINE_MS = 25_000;

describe('a model download that never gets further', () => {
  let host: ModelHost | undefined;
  let dir = '';
  afterEach(async () => {
    await host?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fails with MODEL_DOWNLOAD_FAILED once no more of the file arrives for the stall timeout, though retried bytes keep coming', async () => {
    host = await startModelHost(Buffer.alloc(MODEL_BYTES, 5), { kind: 'cut-halfway' }, 'cut.Q4_K_M.gguf');
    dir = mkdtempSync(join(tmpdir(), 'feelbot-cut-'));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      resolveModel(host.url, { modelsDir: dir, showProgress: false, stallTimeoutMs: STALL_TIMEOUT_MS }).then(
        () => 'downloaded',
        (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
      ),
      new Promise((resolve) => (timer = setTimeout(() => resolve(`still downloading after ${DEADLINE_MS} ms`), DEADLINE_MS))),
    ]).finally(() => clearTimeout(timer));
    expect(outcome).toMatch(new RegExp(`^${ErrorCodes.ModelDownloadFailed}: .*no download progress for ${STALL_TIMEOUT_MS} ms`));
  }, 35_000);
});
