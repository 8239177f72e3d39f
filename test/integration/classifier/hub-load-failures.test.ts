import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownLabels, writeRelabelledClassifier } from '../../../scripts/fixtures/relabelled-classifier.js';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import type { OnnxDtype } from '../../../src/adapters/transformers/onnx-dtype.js';
import { ErrorCodes } from '../../../src/errors.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

/** The shipped model as a hub download is: no feelbot keys. */
const NOT_FEELBOT = { feelbot_default_dtype: undefined, feelbot_temperature: undefined, feelbot_architecture: undefined };

/**
 * A hub repo laid out like the shipped folder, with only the ONNX files in `onnxFiles` (none: a
 * PyTorch-only repo), each the shipped q8 graph, which loads under any of those names.
 */
function hubRepo(name: string, onnxFiles: string[]): string {
  const dir = writeRelabelledClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}hub-repo-${name}`, ownLabels(SHIPPED_EMOTION_MODEL), {
    extraConfig: NOT_FEELBOT,
  });
  const weights = readFileSync(join(dir, 'onnx', 'model_quantized.onnx'));
  rmSync(join(dir, 'onnx'), { recursive: true });
  if (onnxFiles.length > 0) mkdirSync(join(dir, 'onnx'));
  for (const file of onnxFiles) writeFileSync(join(dir, 'onnx', file), weights);
  writeFileSync(join(dir, 'pytorch_model.bin'), 'not read by transformers.js');
  return dir;
}

/** A repo of an architecture transformers.js has no class for. */
function unsupportedArchitecture(): string {
  const dir = hubRepo('unsupported-arch', ['model.onnx']);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, model_type: 'fancybert', architectures: ['FancyBertForSequenceClassification'] }));
  return dir;
}

/** A hub on 127.0.0.1 that serves each repo's files and answers 404 "Entry not found" for any file a repo lacks, as huggingface.co does. */
async function fakeHub(repos: Record<string, string>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const match = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(request.url ?? '');
    const root = match ? repos[match[1]!] : undefined;
    if (match && !root) {
      // huggingface.co answers an id that names no repository (a typo) with 401, as it does a gated one.
      response.writeHead(401, { 'x-error-code': 'RepoNotFound' }).end(`Repository Not Found for url: ${request.url}.`);
      return;
    }
    const file = root ? join(root, decodeURIComponent(match![2]!)) : undefined;
    if (!file || !existsSync(file) || statSync(file).isDirectory()) {
      response.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    response.writeHead(200, { 'content-length': statSync(file).size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** How long the cache folder must stay unchanged, with no file half written, to count as settled. */
const CACHE_QUIET_MS = 500;

/** Resolves once `dir` holds no half-written file (`*.tmp.*`) and has not changed for CACHE_QUIET_MS, or after 10 s. */
async function cacheWritesSettled(dir: string): Promise<void> {
  const listing = () => (readdirSync(dir, { recursive: true }) as string[]).sort().join('\n');
  const deadline = Date.now() + 10_000;
  let last = listing();
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = listing();
    if (now !== last) [last, quietSince] = [now, Date.now()];
    else if (!now.includes('.tmp.') && Date.now() - quietSince >= CACHE_QUIET_MS) return;
  }
}

/** 'loaded' and what the model reads a happy text as, or the error's code and message. */
async function loadingOutcome(model: string, cacheDir: string, dtype?: OnnxDtype): Promise<string> {
  return loadEmotionModel({ model, cacheDir, dtype }).then(
    async (loaded) => {
      try {
        return `loaded: ${(await loaded.classify(['i feel so happy and grateful today']))[0]!.emotion}`;
      } finally {
        await loaded.dispose();
      }
    },
    (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
  );
}

describe('a hub EMOTION_MODEL that the hub answers but that lacks onnx/model.onnx', () => {
  const originalHost = env.remoteHost;
  let hub: Awaited<ReturnType<typeof fakeHub>>;
  let cacheDir = '';
  beforeAll(async () => {
    hub = await fakeHub({
      'someone/pytorch-only-emotion': hubRepo('pytorch-only', []),
      'someone/quantized-only-emotion': hubRepo('quantized-only', ['model_quantized.onnx']),
      'someone/fp16-only-emotion': hubRepo('fp16-only', ['model_fp16.onnx']),
      'someone/q4-only-emotion': hubRepo('q4-only', ['model_q4.onnx']),
      'someone/no-tokenizer-emotion': (() => {
        const dir = hubRepo('no-tokenizer', ['model.onnx']);
        rmSync(join(dir, 'tokenizer.json'));
        return dir;
      })(),
      'someone/unsupported-arch-emotion': unsupportedArchitecture(),
    });
    env.remoteHost = hub.url;
    cacheDir = mkdtempSync(join(tmpdir(), 'hub-load-failures-'));
  });
  afterAll(async () => {
    env.remoteHost = originalHost;
    // transformers.js goes on caching the files it fetched beside one that failed the load; removing
    // the folder under those writes would fail them outside any test.
    await cacheWritesSettled(cacheDir);
    hub?.server.closeAllConnections();
    hub?.server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('a PyTorch-only repo (as j-hartmann/emotion-english-distilroberta-base is) is MODEL_NOT_FOUND: it has no ONNX weights, not a network problem', async () => {
    const outcome = await loadingOutcome('someone/pytorch-only-emotion', cacheDir);
    expect(outcome).toMatch(new RegExp(`^${ErrorCodes.ModelNotFound}:`));
    expect(outcome).not.toContain('internet connection');
    expect(outcome).toContain('has no onnx/model.onnx');
    expect(outcome).toContain('no ONNX weights at all');
    expect(outcome).toContain('onnx-community/');
  });

  it('a repo with only onnx/model_quantized.onnx loads its q8 weights, as a local folder with only those weights does', async () => {
    expect(await loadingOutcome('someone/quantized-only-emotion', cacheDir)).toBe('loaded: joy');
  });

  it('a repo with only onnx/model_fp16.onnx loads those', async () => {
    expect(await loadingOutcome('someone/fp16-only-emotion', cacheDir)).toBe('loaded: joy');
  });

  it('a repo whose only weights are of another dtype (q4) is MODEL_NOT_FOUND saying to set EMOTION_DTYPE to it', async () => {
    const outcome = await loadingOutcome('someone/q4-only-emotion', cacheDir);
    expect(outcome).toMatch(new RegExp(`^${ErrorCodes.ModelNotFound}:`));
    expect(outcome).toContain('has no onnx/model.onnx');
    expect(outcome).toContain('set EMOTION_DTYPE to q4');
  });

  it('an EMOTION_DTYPE the repo has no weights for is MODEL_NOT_FOUND naming the file, and the dtypes it has', async () => {
    const outcome = await loadingOutcome('someone/quantized-only-emotion', cacheDir, 'fp16');
    expect(outcome).toMatch(new RegExp(`^${ErrorCodes.ModelNotFound}:`));
    expect(outcome).toContain('has no onnx/model_fp16.onnx, the fp16 weights EMOTION_DTYPE asks for');
    expect(outcome).toContain('set EMOTION_DTYPE to q8');
  });

  it('a repo without tokenizer.json is MODEL_NOT_FOUND naming it', async () => {
    const outcome = await loadingOutcome('someone/no-tokenizer-emotion', cacheDir);
    expect(outcome).toMatch(new RegExp(`^${ErrorCodes.ModelNotFound}:`));
    expect(outcome).toContain('has no tokenizer.json');
  });

  it('a repo transformers.js cannot run (an architecture it does not support) is MODEL_UNSUPPORTED naming it, not a download problem', async () => {
    const outcome = await loadingOutcome('someone/unsupported-arch-emotion', cacheDir);
    expect(outcome).toMatch(new RegExp(`^${ErrorCodes.ModelUnsupported}:`));
    expect(outcome).toContain('"fancybert"');
    expect(outcome).not.toContain('internet connection');
  });

  it('an id that names no repository (a typo: the hub answers 401 RepoNotFound) says the id may be misspelled, not only HF_TOKEN', async () => {
    const outcome = await loadingOutcome('someone/emotion-englsh-distilroberta', cacheDir);
    expect(outcome).toMatch(new RegExp(`^${ErrorCodes.ModelDownloadFailed}:`));
    expect(outcome).toMatch(/id may be misspelled or name no repository/);
    expect(outcome).toContain('HF_TOKEN');
  });
});

describe('a local EMOTION_MODEL folder of an architecture transformers.js does not support', () => {
  it('is MODEL_UNSUPPORTED naming it, not MODEL_CORRUPT: its files are whole', async () => {
    const outcome = await loadingOutcome(unsupportedArchitecture(), tmpdir());
    expect(outcome).toMatch(new RegExp(`^${ErrorCodes.ModelUnsupported}:`));
    expect(outcome).toContain('"fancybert"');
  });
});
