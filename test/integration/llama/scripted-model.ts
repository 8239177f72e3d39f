import { closeSync, copyFileSync, openSync, readSync, writeSync } from 'node:fs';
import { GgmlType, readGgufFileInfo, type GgufTensorInfo } from 'node-llama-cpp';
import { bytesToUnicode } from '../../../scripts/fixtures/byte-bpe-vocab.js';

/**
 * Far above what the random layers add to the residual stream (a few units), so after the final
 * norm a token's own dimension is all the output layer sees.
 */
const STATE_VALUE = 1_000;
/** The next token's logit per unit of that dimension; the random weights give any other about 2. */
const NEXT_TOKEN_WEIGHT = 10;

/**
 * Copies the tiny model at `base` to `path`, rewired to write `script` (ASCII) whatever the
 * prompt, then its last character again until stopped: each character of the script gets a
 * residual dimension of its own in its token embedding, which the output layer maps to the
 * character after it; every other token (the prompt's last) shares one more, mapped to the first.
 * So a character may be followed by only one other.
 */
export async function writeScriptedGguf(base: string, path: string, script: string): Promise<string> {
  copyFileSync(base, path);
  const info = await readGgufFileInfo(path, { readTensorInfo: true });
  const vocab = info.metadata.tokenizer.ggml.tokens;
  const embedding = Number(info.architectureMetadata.embedding_length);
  const byteChars = bytesToUnicode();
  const tokenOf = (char: string): number => {
    const token = vocab.indexOf(byteChars[char.charCodeAt(0)] ?? '');
    if (token < 0) throw new Error(`no byte token for ${JSON.stringify(char)}`);
    return token;
  };

  const successors = new Map<string, string>();
  for (const [at, char] of [...script].entries()) {
    const following = script[at + 1] ?? char;
    if ((successors.get(char) ?? following) !== following) throw new Error(`${JSON.stringify(char)} is followed by two different characters`);
    successors.set(char, following);
  }
  const states = [...successors.keys()];
  const othersDimension = states.length;
  if (othersDimension >= embedding) throw new Error(`a script of ${states.length} characters needs more than ${embedding} dimensions`);
  const dimensionOf = new Map(states.map((char, dimension) => [tokenOf(char), dimension]));
  const writtenAfter = new Map([[othersDimension, tokenOf(script[0]!)], ...states.map((char, dimension) => [dimension, tokenOf(successors.get(char)!)] as const)]);

  const tensors = new Map((info.fullTensorInfo ?? []).map((tensor) => [tensor.name, tensor]));
  patchRows(path, tensors.get('token_embd.weight'), embedding, (row, token) => {
    const dimension = dimensionOf.get(token) ?? othersDimension;
    row[dimension] = row[dimension]! + STATE_VALUE;
  });
  patchRows(path, tensors.get('output.weight'), embedding, (row, token) => {
    for (const [dimension, written] of writtenAfter) row[dimension] = token === written ? NEXT_TOKEN_WEIGHT : 0;
  });
  return path;
}

/** Rewrites an F32 tensor of `path` in place, one row of `embedding` values per token. */
function patchRows(path: string, tensor: GgufTensorInfo | undefined, embedding: number, patch: (row: Float32Array, token: number) => void): void {
  if (tensor?.ggmlType !== GgmlType.F32 || Number(tensor.dimensions[0]) !== embedding) throw new Error('the tiny model has no such F32 tensor');
  const values = new Float32Array(tensor.dimensions.reduce<number>((size, dimension) => size * Number(dimension), 1));
  const bytes = new Uint8Array(values.buffer);
  const file = openSync(path, 'r+');
  try {
    readSync(file, bytes, 0, bytes.length, Number(tensor.fileOffset));
    for (let token = 0; token < values.length / embedding; token++) patch(values.subarray(token * embedding, (token + 1) * embedding), token);
    writeSync(file, bytes, 0, bytes.length, Number(tensor.fileOffset));
  } finally {
    closeSync(file);
  }
}
