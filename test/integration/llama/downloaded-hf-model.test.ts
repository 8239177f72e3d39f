import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveModel } from '../../../src/adapters/llama/resolve-model.js';
import { ErrorCodes } from '../../../src/errors.js';
import { closedPort } from '../../support/closed-port.js';
import { ggufPayload } from '../../support/gguf-payload.js';
import { startModelHost, withModelEndpoint, type ModelHost } from '../../support/model-host.js';

const model = ggufPayload(2 * 1024 * 1024);
/** The model cut short, as a download interrupted by a full disk or a killed process leaves it. */
const shortModel = model.subarray(0, model.length - 60_000);
/** The name node-llama-cpp gives both URIs' file in MODELS_DIR, and finds it by without the network. */
const SAVED_AS = 'hf_someone_tiny.Q8_0.gguf';
const URIS = ['hf:someone/tiny-GGUF:Q8_0', 'hf:someone/tiny-GGUF/tiny.Q8_0.gguf'];
/** Short: a start that asks an unreachable hub is refused at once; a hung one fails the test here. */
const STALL_TIMEOUT_MS = 3_000;

/** What `bytes` is short of, in the words of the completeness check. */
const shortBy = (bytes: Buffer, whole: Buffer) =>
  `it is ${bytes.length.toLocaleString('en-US')} bytes, and its GGUF header says its data runs to ${whole.length.toLocaleString('en-US')}`;

describe('LLM_MODEL as an hf: URI whose file is already in MODELS_DIR', () => {
  let host: ModelHost | undefined;
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'feelbot-hf-'));
  });
  afterEach(async () => {
    await host?.close();
    host = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const offline = () => ({ modelsDir: dir, showProgress: false, stallTimeoutMs: STALL_TIMEOUT_MS, download: false });

  it.each(URIS)('%s: a whole file there is used without the hub; one short of the data its GGUF header lists is not, and the start says which file and why', async (uri) => {
    writeFileSync(join(dir, SAVED_AS), model);
    await expect(resolveModel(uri, offline())).resolves.toBe(join(dir, SAVED_AS));

    writeFileSync(join(dir, SAVED_AS), shortModel);
    await expect(resolveModel(uri, offline())).rejects.toMatchObject({
      code: ErrorCodes.ModelDownloadFailed,
      message: expect.stringContaining(`${SAVED_AS} is incomplete or not a GGUF model (${shortBy(shortModel, model)})`),
    });
  });

  it.each(URIS)('%s: a short file there with the hub unreachable fails the start with MODEL_DOWNLOAD_FAILED, not loaded as the model', async (uri) => {
    writeFileSync(join(dir, SAVED_AS), shortModel);
    const hub = `http://127.0.0.1:${await closedPort()}/`;
    const resolving = withModelEndpoint(hub, () => resolveModel(uri, { ...offline(), download: true }));
    await expect(resolving).rejects.toMatchObject({ code: ErrorCodes.ModelDownloadFailed });
  }, 30_000);

  it('a short file there is downloaded again whole when the hub is up', async () => {
    host = await startModelHost(model, { kind: 'whole' }, 'someone/tiny-GGUF/resolve/main/tiny.Q8_0.gguf');
    writeFileSync(join(dir, SAVED_AS), shortModel);
    const { root } = host;
    const path = await withModelEndpoint(root, () => resolveModel('hf:someone/tiny-GGUF/tiny.Q8_0.gguf', { ...offline(), download: true }));
    expect(path).toBe(join(dir, SAVED_AS));
    expect(readFileSync(path).equals(model)).toBe(true);
  }, 30_000);

  it('a model split into parts (-00001-of-00003.gguf) is used only when every part holds all its data: a short middle part fails it, naming that part', async () => {
    const parts = [1, 2, 3].map((part) => ({ name: `hf_someone_tiny.Q8_0-0000${part}-of-00003.gguf`, bytes: ggufPayload(256 * 1024, part) }));
    for (const part of parts) writeFileSync(join(dir, part.name), part.bytes);
    await expect(resolveModel(URIS[0]!, offline())).resolves.toBe(join(dir, parts[0]!.name));

    const middle = parts[1]!;
    const shortMiddle = middle.bytes.subarray(0, middle.bytes.length - 1_000);
    writeFileSync(join(dir, middle.name), shortMiddle);
    await expect(resolveModel(URIS[0]!, offline())).rejects.toMatchObject({
      code: ErrorCodes.ModelDownloadFailed,
      message: expect.stringContaining(`${middle.name} is incomplete or not a GGUF model (${shortBy(shortMiddle, middle.bytes)})`),
    });
  });
});
