import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { modelFiles } from './whole-model.js';

/** A binary-split URL (`….gguf.part1of3`): node-llama-cpp joins its parts into one file named up to `.gguf`. */
const BINARY_SPLIT_PART = /\.gguf\.part(\d+)of(\d+)$/i;
/**
 * A name ipull saves unchanged (it passes names through filenamify, which replaces these characters,
 * rewrites non-ASCII and cuts past 100 characters); any other is left for the downloader to name.
 */
const PLAIN_GGUF_NAME = /^(?!\.)[^\0-\x1f<>:"/\\|?*\x7f-\uffff]{1,95}\.gguf$/i;

export function isUrlModel(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

/**
 * The file name a URL's model is saved under in MODELS_DIR: the URL's last path segment, as ipull
 * names it when its host names no other. Undefined when that segment names no .gguf file plainly
 * (`…/download?id=3`): then the host's name is used and only the host can say what it is.
 */
export function urlModelFileName(url: string): string | undefined {
  let segment: string;
  try {
    segment = new URL(url).pathname.split('/').pop() ?? '';
    if (BINARY_SPLIT_PART.test(segment)) segment = segment.slice(0, segment.toLowerCase().indexOf('.gguf') + '.gguf'.length);
    segment = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  return PLAIN_GGUF_NAME.test(segment) ? segment : undefined;
}

/**
 * The file to load for the model `url` names when its files (every part of a split GGUF) are in
 * `modelsDir`, found without the network. Whether they are whole is for the caller to check.
 */
export async function findUrlModel(url: string, modelsDir: string): Promise<string | undefined> {
  const name = urlModelFileName(url);
  if (name === undefined) return undefined;
  const files = modelFiles(join(modelsDir, name));
  const there = await Promise.all(files.map((file) => stat(file).then((info) => info.isFile(), () => false)));
  return there.every(Boolean) ? files[0] : undefined;
}

/**
 * Where a binary-split URL's parts are, in order (`….gguf.part1of3` to `part3of3`, numbered as it
 * numbers its own), for joining them as node-llama-cpp does; `[url]` for any other URL.
 */
export function binaryPartUrls(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const match = BINARY_SPLIT_PART.exec(parsed.pathname);
  const [, part = '', parts = ''] = match ?? [];
  if (!match || Number(part) === 0 || Number(parts) === 0 || Number(part) > Number(parts)) return [url];
  const base = parsed.pathname.slice(0, match.index + '.gguf'.length);
  return Array.from({ length: Number(parts) }, (_, index) => {
    const partUrl = new URL(parsed.href);
    partUrl.pathname = `${base}.part${String(index + 1).padStart(part.length, '0')}of${parts}`;
    return partUrl.href;
  });
}
