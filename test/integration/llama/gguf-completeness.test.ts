import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTinyGguf } from '../../../scripts/fixtures/tiny-gguf.js';
import { ggufCompleteness } from '../../../src/adapters/llama/gguf-completeness.js';
import { GENERATED_DIR } from './fixtures.js';

/** The tiny model with F32 weights, and its twin with Q8_0 (block-quantised) ones. */
const models = {
  F32: () => ensureTinyGguf(`${GENERATED_DIR}tiny.gguf`),
  Q8_0: () => ensureTinyGguf(`${GENERATED_DIR}tiny-q8.gguf`, { shape: { weightType: 'Q8_0' } }),
} as const;

describe('whether a GGUF file holds all the data its header lists', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'feelbot-gguf-whole-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** `bytes` written to a file of their own; returns its path. */
  function saved(bytes: Uint8Array | string): string {
    const path = join(dir, 'model.gguf');
    writeFileSync(path, bytes);
    return path;
  }

  it.each(Object.keys(models) as Array<keyof typeof models>)('a whole %s model is whole, and one byte short of its last tensor it is not', async (type) => {
    const whole = readFileSync(models[type]());
    await expect(ggufCompleteness(saved(whole))).resolves.toEqual({ whole: true });
    const check = await ggufCompleteness(saved(whole.subarray(0, whole.length - 1)));
    expect(check).toEqual({
      whole: false,
      reason: `it is ${(whole.length - 1).toLocaleString('en-US')} bytes, and its GGUF header says its data runs to ${whole.length.toLocaleString('en-US')}`,
    });
  });

  it('a model cut inside its header (its tensor list) is not whole', async () => {
    const whole = readFileSync(models.F32());
    await expect(ggufCompleteness(saved(whole.subarray(0, 1_000)))).resolves.toMatchObject({ whole: false });
    await expect(ggufCompleteness(saved(whole.subarray(0, 10)))).resolves.toMatchObject({ whole: false });
  });

  it('a file that is not a GGUF (a host\'s HTML error page) is not a whole model, and says why', async () => {
    const check = await ggufCompleteness(saved('<!doctype html><title>Sign in to download</title>'));
    expect(check).toMatchObject({ whole: false, reason: expect.stringContaining('cannot be read as a GGUF file') });
  });

  it('a file that is not there is not a whole model', async () => {
    await expect(ggufCompleteness(join(dir, 'missing.gguf'))).resolves.toMatchObject({ whole: false });
  });
});
