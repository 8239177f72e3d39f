import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The brief's budget for committed model binaries: 25 MB in all under models/. */
const BUDGET_BYTES = 25_000_000;
const MODELS_DIR = new URL('../../models', import.meta.url).pathname;
/** Gitignored download caches (hub classifiers, GGUF reply models), never shipped. */
const DOWNLOAD_DIRS = new Set(['hub', 'llm']);

function committedFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return DOWNLOAD_DIRS.has(entry.name) ? [] : committedFiles(path);
    return [path];
  });
}

describe('the shipped models', () => {
  it('fit the 25 MB budget, and the classifier has both ONNX variants', () => {
    const files = committedFiles(MODELS_DIR);
    const total = files.reduce((sum, path) => sum + statSync(path).size, 0);
    expect(files.some((path) => path.endsWith('emotion/onnx/model.onnx'))).toBe(true);
    expect(files.some((path) => path.endsWith('emotion/onnx/model_quantized.onnx'))).toBe(true);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
