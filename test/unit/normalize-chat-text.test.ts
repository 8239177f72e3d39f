import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NORMALIZER_VERSION, normalizeChatText } from '../../src/domain/normalize-chat-text.js';

interface ParityCase {
  readonly input: string;
  readonly expected: string;
}

interface ParityCases {
  readonly normalizer: string;
  readonly cases: readonly ParityCase[];
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAKE_CASES = join('training', 'make_normalizer_fixture.py');

/** Python's outputs, made now by the training-side normaliser; nothing generated is committed. */
function pythonNormalizerCases(outDir: string): ParityCases {
  const out = join(outDir, 'normalize-chat-text.json');
  try {
    execFileSync('python3', [MAKE_CASES, '--out', out], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT'
      ? 'python3 is not on PATH; install it (bash .ci/run does), this test needs the Python normaliser'
      : `${MAKE_CASES} failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`;
    throw new Error(`Cannot check parity with the Python normaliser: ${reason}`, { cause: error });
  }
  return JSON.parse(readFileSync(out, 'utf8')) as ParityCases;
}

describe('normalizeChatText', () => {
  let outDir: string;
  let python: ParityCases;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'feelbot-normalizer-'));
    python = pythonNormalizerCases(outDir);
  });

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('is the normaliser version the Python side defaults to', () => {
    expect(NORMALIZER_VERSION).toBe(python.normalizer);
  });

  it('gives what the training-side Python normaliser gives on every case', () => {
    expect(python.cases.length).toBeGreaterThan(0);
    const differences = python.cases
      .map(({ input, expected }) => ({ input, expected, actual: normalizeChatText(input) }))
      .filter(({ expected, actual }) => actual !== expected);
    expect(differences).toEqual([]);
  });

  it('leaves dair-ai style text unchanged', () => {
    expect(normalizeChatText('i feel like i am still looking at a blank canvas')).toBe(
      'i feel like i am still looking at a blank canvas',
    );
  });

  it('keeps words apart that a dash or an emoji stood between', () => {
    expect(normalizeChatText('ok whatever—devastated')).toBe('ok whatever devastated');
    expect(normalizeChatText('happy👍thanks')).toBe('happy thanks');
    expect(normalizeChatText('I don’t know… café')).toBe('i dont know cafe');
  });

  it('drops Discord timestamps and command mentions instead of reading them as words', () => {
    expect(normalizeChatText('u r late <t:1700000000:R>')).toBe('you are late');
    expect(normalizeChatText('try </feel now:123> again')).toBe('try again');
  });

  it('reads a camel-case custom emoji name as its words, as it reads a camel-case hashtag', () => {
    expect(normalizeChatText('<:sadCat:123456789012345678>')).toBe(normalizeChatText('#sadCat'));
    expect(normalizeChatText('<:FeelsBadMan:123456789012345678>')).toBe('feels bad man');
    expect(normalizeChatText('ok <a:angryPepe_rage:42> bye')).toBe('ok angry pepe rage bye');
    expect(normalizeChatText('<:KEKW:42> <:pepe_sad:42>')).toBe('kekw pepe sad');
  });

  it('is idempotent', () => {
    for (const { expected } of python.cases) expect(normalizeChatText(expected)).toBe(expected);
  });
});
