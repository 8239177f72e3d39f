import type { LLamaChatGenerateResponseOptions, LlamaChatResponse, LlamaContextSequence, Token } from 'node-llama-cpp';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import type { SamplingSettings } from '../../ports/reply-generator.js';

// A repeat penalty of 1 is llama.cpp's "off".
const NO_REPEAT_PENALTY = 1;

/**
 * Where a reply goes on as the chat transcript the prompt shows (`<<<Name: text>>>`, build-prompt):
 * a marker after the reply's start opens a line made up for someone else, and a closing one ends a
 * reply the model wrapped as its own quote. Not a bare `<<<`: a reply that opens with the persona's
 * own quote would stop before its first word; cleanReply unwraps that one.
 */
const TRANSCRIPT_STOP_TRIGGERS = ['\n<<<', ' <<<', '>>>'] as const;

/**
 * The author, 20 other members of the context and the 5 other characters' names and tags (1 + 20 +
 * 10), with room for names a server renamed personas to: the triggers are matched at every token,
 * so they are bounded, the likeliest speakers kept; cleanReply cuts at any speaker's line the
 * triggers missed. The persona's own names are never among them (Prompt.speakers).
 */
const MAX_SPEAKER_STOP_TRIGGERS = 40;

/**
 * How many of the likeliest speakers also stop at the full-width colon of CJK text ("Bob："): the
 * author, the 5 other characters' names and tags and the 9 members who spoke last (1 + 10 + 9;
 * fewer members where a server renamed the personas); cleanReply cuts at the rest (and at the rare
 * small colon, U+FE55).
 */
const MAX_FULL_WIDTH_STOP_TRIGGERS = 20;

/**
 * Where a reply goes on as one of the prompt's other speakers without the quote markers: a line
 * opening with their tag and a colon ("\nBob:", "\nAnger (character):"), for the first
 * `MAX_SPEAKER_STOP_TRIGGERS` of `speakers` (Prompt.speakers, likeliest first, none of the persona's
 * own names: a line it opens with "Joy:" is its own words and does not stop it), and with the
 * full-width colon ("\nBob：") for the first `MAX_FULL_WIDTH_STOP_TRIGGERS`.
 */
export function speakerStopTriggers(speakers: readonly string[]): string[] {
  const ascii = speakers.slice(0, MAX_SPEAKER_STOP_TRIGGERS).map((tag) => `\n${tag}:`);
  const fullWidth = speakers.slice(0, MAX_FULL_WIDTH_STOP_TRIGGERS).map((tag) => `\n${tag}\uff1a`);
  return [...ascii, ...fullWidth];
}

/**
 * What one reply asks of LlamaChat: the request's sampling, the transcript's stop triggers and a
 * line opened by any of `speakers` (the prompt's, defaults to none), and `signal` (the reply's
 * deadline, cancel and shutdown), which stops generation with the text so far.
 */
export function responseOptions(
  sampling: SamplingSettings,
  signal: AbortSignal,
  onToken: (tokens: Token[]) => void,
  speakers: readonly string[] = [],
): LLamaChatGenerateResponseOptions {
  return {
    maxTokens: sampling.maxTokens,
    temperature: sampling.temperature,
    topP: sampling.topP,
    repeatPenalty: sampling.repeatPenalty === NO_REPEAT_PENALTY ? false : { penalty: sampling.repeatPenalty },
    signal,
    customStopTriggers: [...TRANSCRIPT_STOP_TRIGGERS, ...speakerStopTriggers(speakers)],
    // On the deadline, keep what was generated; cancel and shutdown still throw (keptOnAbort).
    stopOnAbortSignal: true,
    onToken,
    contextShift: NO_CONTEXT_SHIFT,
  };
}

/**
 * A reply never shifts the context: LlamaChat's shift erases the oldest turns (the person's message,
 * when it is the only one) or cuts the start of a turn (its quote marker, so user text stops being
 * data), and it falls back to that when a custom strategy throws. It asks for `size` only when the
 * history and reply do not fit, and lets what that throws through: the reply fails with PROMPT_TOO_LONG.
 */
const NO_CONTEXT_SHIFT = {
  size(sequence: LlamaContextSequence): number {
    throw new FeelbotError(
      ErrorCodes.PromptTooLong,
      `The prompt and reply outgrew the ${sequence.contextSize}-token context; refused rather than answered with part of the conversation erased.`,
      { permanent: true, details: { contextSize: sequence.contextSize } },
    );
  },
} as const satisfies LLamaChatGenerateResponseOptions['contextShift'];

/**
 * Throws the signal's reason when it stopped the reply, unless that was the deadline and text had
 * come by then: that text is the reply. A cancel, a shutdown, or a deadline before any text fails.
 */
export function keptOnAbort(signal: AbortSignal, text: string): void {
  if (signal.aborted && !(isFeelbotError(signal.reason, ErrorCodes.GenerationTimeout) && text.trim() !== '')) {
    throw signal.reason;
  }
}

/**
 * A reply ended at one of responseOptions' stop triggers, another speaker's line or a transcript
 * marker: the text stops just before it, wherever that was, inside code too.
 */
export function isStoppedAtStopTrigger(response: LlamaChatResponse): boolean {
  return response.metadata.stopReason === 'customStopTrigger';
}

/** A reply cut short: at its token budget, or at the deadline. */
export function isTruncated(response: LlamaChatResponse): boolean {
  return response.metadata.stopReason === 'maxTokens' || response.metadata.stopReason === 'abort';
}
