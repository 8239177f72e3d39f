import { resolveChatWrapper, type LlamaJsonSchemaGrammar, type LlamaModel } from 'node-llama-cpp';
import type { Emotion } from '../../domain/emotions.js';
import { defaultThreads } from './default-threads.js';
import { completeWithGrammar } from './grammar-completion.js';
import { createPooledContext } from './pooled-context.js';
import type { SentenceSource } from './synthesize-training-data.js';

export interface LlmSentenceSourceOptions {
  /** Longest sentence the grammar allows, in characters. Defaults to `160`. */
  readonly maxSentenceChars?: number;
  /** Sampling temperature; some randomness gives variety between rounds. Defaults to `0.9`. */
  readonly temperature?: number;
  /** Tokens the generation context can see. Defaults to `4_096`. */
  readonly contextSize?: number;
}

export const DefaultLlmSentenceSourceOptions = {
  maxSentenceChars: 160,
  temperature: 0.9,
  contextSize: 4_096,
} as const satisfies LlmSentenceSourceOptions;

// Quotes, comma and spaces around each sentence, and the object around the list, in tokens.
const TOKENS_PER_SENTENCE_MARKUP = 8;
const TOKENS_PER_ANSWER_MARKUP = 16;

export interface LlmSentenceSource {
  readonly source: SentenceSource;
  dispose(): Promise<void>;
}

/** A SentenceSource that asks the chat model for `{"sentences": [...]}` under a JSON-schema grammar. */
export async function createLlmSentenceSource(
  model: LlamaModel,
  options: LlmSentenceSourceOptions = {},
): Promise<LlmSentenceSource> {
  const settings = { ...DefaultLlmSentenceSourceOptions, ...options };
  const pooled = await createPooledContext(model, {
    sequences: 1,
    contextSize: settings.contextSize,
    threads: defaultThreads(model.llama),
  });
  const chatWrapper = resolveChatWrapper(model);
  const grammars = new Map<number, Promise<LlamaJsonSchemaGrammar<ReturnType<typeof sentencesSchema>>>>();
  const grammarFor = (count: number) => {
    let grammar = grammars.get(count);
    if (grammar === undefined) {
      grammar = model.llama.createGrammarForJsonSchema(sentencesSchema(count, settings.maxSentenceChars));
      grammars.set(count, grammar);
    }
    return grammar;
  };

  const source: SentenceSource = async (emotion: Emotion, count: number) => {
    const grammar = await grammarFor(count);
    const raw = await completeWithGrammar(pooled, chatWrapper, {
      history: [
        { type: 'system', text: 'You write short, varied chat messages for training an emotion classifier.' },
        { type: 'user', text: `Write ${count} different chat messages, one sentence each, that express ${emotion}.` },
        { type: 'model', response: [] },
      ],
      grammar,
      // Room for the longest answer the grammar allows (a token is at least one character), so an
      // answer is never cut off by the budget itself.
      maxTokens: count * (settings.maxSentenceChars + TOKENS_PER_SENTENCE_MARKUP) + TOKENS_PER_ANSWER_MARKUP,
      temperature: settings.temperature,
    });
    return parseSentences(raw);
  };
  return { source, dispose: () => pooled.context.dispose() };
}

/**
 * Lenient on purpose: the grammar's maxLength counts characters differently from the strict
 * `grammar.parse` check (an emoji can pass one and fail the other), and an answer cut off at
 * maxTokens is just a lost round, not an error.
 */
function parseSentences(raw: string): string[] {
  try {
    const parsed: unknown = JSON.parse(raw);
    const sentences = typeof parsed === 'object' && parsed !== null ? (parsed as { sentences?: unknown }).sentences : undefined;
    return Array.isArray(sentences) ? sentences.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return completeStrings(raw);
  }
}

/** The sentences a cut-off answer did finish: every closed JSON string after the `sentences` key. */
function completeStrings(raw: string): string[] {
  const list = raw.slice(raw.indexOf('[') + 1);
  if (!raw.includes('[')) return [];
  const strings: string[] = [];
  for (const match of list.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    try {
      strings.push(JSON.parse(`"${match[1]}"`) as string);
    } catch {
      // A malformed escape: skip that one sentence.
    }
  }
  return strings;
}

function sentencesSchema(count: number, maxChars: number) {
  return {
    type: 'object',
    properties: {
      sentences: {
        type: 'array',
        items: { type: 'string', minLength: 1, maxLength: maxChars },
        minItems: count,
        maxItems: count,
      },
    },
    required: ['sentences'],
  } as const;
}
