import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ggufCompleteness } from './gguf-completeness.js';

/** A binary-split URL (`….gguf.part1of3`): node-llama-cpp joins its parts into one file named up to `.gguf`. */
const BINARY_SPLIT_PART = /\.gguf\.part\d+of\d+$/i;
/** A split GGUF's part (`…-00001-of-00003.gguf`): node-llama-cpp downloads every part, and llama.cpp loads the first. */
const SPLIT_PART = /-(\d{5})-of-(\d{5})\.gguf$/;
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

/** The files a model saved as `name` is made of: a split GGUF's every part (the first is the one to load), or `name`. */
export function urlModelFiles(name: string): string[] {
  const split = SPLIT_PART.exec(name);
  const part = Number(split?.[1]);
  const parts = Number(split?.[2]);
  if (!split || part === 0 || parts === 0 || part > parts) return [name];
  const base = name.slice(0, -split[0].length);
  return Array.from({ length: parts }, (_, index) => `${base}-${String(index + 1).padStart(5, '0')}-of-${split[2]}.gguf`);
}

/**
 * The file to load for the model `url` names when it is in `modelsDir` whole, found without the
 * network. Its name alone does not say so (an older feelbot saved some downloads short under it):
 * each file must hold all the data its GGUF header lists, which reading the header tells.
 */
export async function findUrlModel(url: string, modelsDir: string): Promise<string | undefined> {
  const name = urlModelFileName(url);
  if (name === undefined) return undefined;
  const files = urlModelFiles(name).map((file) => join(modelsDir, file));
  const whole = await Promise.all(files.map(isWholeFile));
  return whole.every(Boolean) ? files[0] : undefined;
}

async function isWholeFile(path: string): Promise<boolean> {
  const isFile = await stat(path).then((info) => info.isFile(), () => false);
  return isFile && (await ggufCompleteness(path)).whole;
}
