import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLlamaRuntime } from '../../../src/adapters/llama/llama-runtime.js';
import { resolveModel } from '../../../src/adapters/llama/resolve-model.js';
import { PACKAGE_ROOT } from '../../../src/adapters/files/package-root.js';
import { ErrorCodes } from '../../../src/errors.js';
import { closedPort } from '../../support/closed-port.js';
import { ggufPayload } from '../../support/gguf-payload.js';
import { withModelEndpoint } from '../../support/model-host.js';
import { ensureLlamaFixtures, GENERATED_DIR } from './fixtures.js';

const STALL_TIMEOUT_MS = 2_000;
/** Room for the stall timeout on a loaded machine; a download that never gives up fails the test here. */
const TEST_TIMEOUT_MS = 30_000;
const MISSING_MODELS = ['hf:feelbot-test/missing-model-GGUF:Q8_0', 'hf:feelbot-test/missing-model-GGUF/model.Q8_0.gguf'];

/** A host that accepts connections and never sends a byte, as a network that swallows packets does. */
async function silentHost(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const resolveMissing = (uri: string) =>
  resolveModel(uri, { modelsDir: `${GENERATED_DIR}models`, showProgress: false, stallTimeoutMs: STALL_TIMEOUT_MS }).catch(
    (caught: unknown) => caught,
  );

function expectSaysWhatToDo(error: unknown): void {
  expect(error).toMatchObject({ code: ErrorCodes.ModelDownloadFailed, userFacing: true });
  expect((error as Error).message).toContain('feelbot models pull');
  expect((error as Error).message).toContain('LLM_MODEL');
}

describe('model resolution and loading', () => {
  it('a local model loads on the CPU and reports its backend', async () => {
    const runtime = await createLlamaRuntime({ model: ensureLlamaFixtures().model, gpu: 'cpu', modelsDir: GENERATED_DIR });
    try {
      expect(runtime.backend).toBe('cpu');
      expect(runtime.model.tokenizer('hello').length).toBeGreaterThan(0);
    } finally {
      await runtime.dispose();
    }
  });

  it('a relative LLM_MODEL path is found from the package folder when the bot starts elsewhere (as EMOTION_MODEL is)', async () => {
    const { model } = ensureLlamaFixtures();
    const fromPackage = relative(PACKAGE_ROOT, model);
    const previous = process.cwd();
    process.chdir(tmpdir());
    try {
      expect(await resolveModel(fromPackage, { modelsDir: GENERATED_DIR })).toBe(model);
    } finally {
      process.chdir(previous);
    }
  });

  it('a missing model file fails with MODEL_NOT_FOUND naming the path', async () => {
    const missing = `${GENERATED_DIR}missing-model.gguf`;
    await expect(resolveModel(missing, { modelsDir: GENERATED_DIR })).rejects.toMatchObject({
      code: ErrorCodes.ModelNotFound,
      userFacing: true,
      message: expect.stringContaining(missing),
    });
  });

  it('LLM_MODEL naming a folder is MODEL_NOT_FOUND saying to name the .gguf file in it, not MODEL_CORRUPT advising to delete it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'feelbot-models-'));
    try {
      writeFileSync(join(folder, 'gemma-2-2b-it-Q4_K_M.gguf'), '');
      mkdirSync(join(folder, 'hub'));
      const error = await createLlamaRuntime({ model: folder, gpu: 'cpu', modelsDir: GENERATED_DIR }).then(
        async (runtime) => {
          await runtime.dispose();
          return 'loaded';
        },
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: ErrorCodes.ModelNotFound, userFacing: true });
      const { message } = error as Error;
      expect(message).toContain(`LLM_MODEL names a folder (${folder})`);
      expect(message).toContain('gemma-2-2b-it-Q4_K_M.gguf');
      expect(message).not.toMatch(/Delete it/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('LLM_MODEL naming a folder with no .gguf file in it says so', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'feelbot-models-'));
    try {
      await expect(resolveModel(folder, { modelsDir: GENERATED_DIR })).rejects.toMatchObject({
        code: ErrorCodes.ModelNotFound,
        message: expect.stringMatching(new RegExp(`LLM_MODEL names a folder \\(${folder}\\) with no \\.gguf file in it`)),
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a corrupt model file fails with MODEL_CORRUPT', async () => {
    const corrupt = `${GENERATED_DIR}corrupt.gguf`;
    writeFileSync(corrupt, Buffer.from(Array.from({ length: 4_096 }, (_, i) => (i * 97 + 13) % 256)));
    await expect(createLlamaRuntime({ model: corrupt, gpu: 'cpu', modelsDir: GENERATED_DIR })).rejects.toMatchObject({
      code: ErrorCodes.ModelCorrupt,
      message: expect.stringContaining(corrupt),
    });
  });

  it('a local model file cut short (a copy or download interrupted) is MODEL_CORRUPT before llama.cpp loads it, saying how short and to copy it again', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'feelbot-models-'));
    try {
      const whole = readFileSync(ensureLlamaFixtures().model);
      const cut = join(folder, 'tiny.gguf');
      writeFileSync(cut, whole.subarray(0, whole.length - 10_000));
      await expect(resolveModel(cut, { modelsDir: GENERATED_DIR })).rejects.toMatchObject({
        code: ErrorCodes.ModelCorrupt,
        userFacing: true,
        permanent: true,
        message: expect.stringMatching(new RegExp(`^Model file ${cut} cannot be used: tiny\\.gguf is incomplete or not a GGUF model \\(it is [\\d,]+ bytes, and its GGUF header says its data runs to [\\d,]+\\)\\. Copy it again`)),
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a local model split into parts is refused naming the part that is missing, not loaded as its first part', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'feelbot-models-'));
    try {
      const first = join(folder, 'tiny-00001-of-00002.gguf');
      writeFileSync(first, ggufPayload(64 * 1024, 1));
      await expect(resolveModel(first, { modelsDir: GENERATED_DIR })).rejects.toMatchObject({
        code: ErrorCodes.ModelCorrupt,
        message: expect.stringContaining('tiny-00002-of-00002.gguf is incomplete or not a GGUF model (it cannot be read'),
      });
      writeFileSync(join(folder, 'tiny-00002-of-00002.gguf'), ggufPayload(64 * 1024, 2));
      await expect(resolveModel(first, { modelsDir: GENERATED_DIR })).resolves.toBe(first);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it.each(MISSING_MODELS)(
    'an hf: URI with the hub unreachable (%s) fails with a message that says what to do',
    async (uri) => {
      const error = await withModelEndpoint(`http://127.0.0.1:${await closedPort()}/`, () => resolveMissing(uri));
      expectSaysWhatToDo(error);
    },
    TEST_TIMEOUT_MS,
  );

  it.each(MISSING_MODELS)(
    'an hf: URI whose host accepts and never answers (%s) gives up after the stall timeout, saying what to do',
    async (uri) => {
      const host = await silentHost();
      try {
        const error = await withModelEndpoint(host.url, () => resolveMissing(uri));
        expectSaysWhatToDo(error);
        // The stall timer ended it, not a refusal or a timeout of the HTTP client's own.
        expect((error as Error).message).toContain(`no download progress for ${STALL_TIMEOUT_MS} ms`);
        // The request went to the local host, not to the real hub.
        expect(host.connections()).toBeGreaterThan(0);
      } finally {
        await host.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
