import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGguf } from '../../scripts/fixtures/gguf-writer.js';

/** An F32 element: four bytes. */
const F32_BYTES = 4;

/**
 * A well-formed GGUF file of about `bytes` bytes (one F32 tensor takes them), with patterned data so
 * a byte out of place shows: what a model host serves when the test is about the download, not the model.
 */
export function ggufPayload(bytes: number, seed = 7): Buffer {
  const elements = Math.max(1, Math.floor(bytes / F32_BYTES));
  const data = new Uint8Array(elements * F32_BYTES);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed) % 251;
  const dir = mkdtempSync(join(tmpdir(), 'feelbot-gguf-'));
  try {
    const path = join(dir, 'payload.gguf');
    writeGguf(path, {
      metadata: { 'general.architecture': { kind: 'string', value: 'llama' }, 'general.name': { kind: 'string', value: 'download payload' } },
      tensors: [{ name: 'payload.weight', dims: [elements], type: 'F32', data: () => data }],
    });
    return readFileSync(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes, at `path`, a GGUF whole by its header (every tensor's data is there) that llama.cpp still
 * cannot load as a model, as a GPU backend may fail on a sound file: it holds none of a llama's
 * tensors. A file cut short is refused before any load (resolveModel), so it cannot stand in.
 */
export function writeUnloadableModel(path: string): string {
  writeFileSync(path, ggufPayload(64 * 1024));
  return path;
}
