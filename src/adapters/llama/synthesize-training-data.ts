import { EMOTIONS, type Emotion } from '../../domain/emotions.js';
import { stripControlCharacters } from '../../domain/strip-control-characters.js';

/** Produces up to `count` candidate sentences for one emotion; duplicates and junk are fine. */
export type SentenceSource = (emotion: Emotion, count: number) => Promise<readonly string[]>;

export interface SynthesizeOptions {
  readonly source: SentenceSource;
  /** Distinct sentences wanted per emotion. */
  readonly perEmotion: number;
  /** Emotions to cover. Defaults to all six. */
  readonly emotions?: readonly Emotion[];
  /** Calls to `source` per emotion before settling for fewer sentences. Defaults to `5`. */
  readonly maxRoundsPerEmotion?: number;
  /** Shortest sentence kept, in characters after normalising. Defaults to `3`. */
  readonly minChars?: number;
  /** Called with each emotion's lines once it is done, so a long run can be saved as it goes. */
  readonly onEmotion?: (emotion: Emotion, lines: readonly string[]) => Promise<void>;
}

export const DefaultSynthesizeOptions = {
  emotions: EMOTIONS,
  maxRoundsPerEmotion: 5,
  minChars: 3,
} as const satisfies Omit<SynthesizeOptions, 'source' | 'perEmotion'>;

/**
 * Training lines `text;label`, `perEmotion` per emotion when the source delivers enough.
 * Texts are normalised (one line, single spaces, no ';' since it is the column separator)
 * and unique across the whole set, ignoring case and whitespace.
 */
export async function synthesizeTrainingData(options: SynthesizeOptions): Promise<string[]> {
  const settings = { ...DefaultSynthesizeOptions, ...options };
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const emotion of settings.emotions) {
    const start = lines.length;
    let kept = 0;
    for (let round = 0; round < settings.maxRoundsPerEmotion && kept < settings.perEmotion; round++) {
      for (const candidate of await settings.source(emotion, settings.perEmotion - kept)) {
        const text = normaliseSentence(candidate);
        const key = dedupeKey(text);
        if (text.length < settings.minChars || seen.has(key) || kept >= settings.perEmotion) continue;
        seen.add(key);
        lines.push(`${text};${emotion}`);
        kept++;
      }
    }
    await settings.onEmotion?.(emotion, lines.slice(start));
  }
  return lines;
}

/**
 * One line, single spaces, trimmed, with ';' (the column separator) turned into ',' and control
 * characters gone: Python's splitlines() in the training script would split a line on some of them.
 */
export function normaliseSentence(text: string): string {
  return stripControlCharacters(text).replaceAll(';', ',').replace(/\s+/gu, ' ').trim();
}

function dedupeKey(text: string): string {
  return text.toLowerCase().replace(/\s+/gu, '');
}
