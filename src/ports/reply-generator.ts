import type { Prompt } from '../domain/prompt.js';

export type { Prompt, PromptTurn } from '../domain/prompt.js';

export interface SamplingSettings {
  readonly temperature: number;
  readonly topP: number;
  readonly repeatPenalty: number;
  readonly maxTokens: number;
}

export interface GenerationRequest {
  readonly prompt: Prompt;
  readonly sampling: SamplingSettings;
  /** Path of a LoRA adapter (GGUF) to apply for this reply; none when absent. */
  readonly loraPath?: string | undefined;
  /**
   * When the LoRA adapter's own sequences are all busy: `wait` for one (the default), or `refuse`
   * at once with LLM_BUSY, retryable after `details.retryAfterMs`, so a queued job gives its slot
   * back instead of holding it while the base context may be idle.
   */
  readonly whenBusy?: 'wait' | 'refuse';
  /** Called once the reply has its sequence and starts, after any wait for one; not for a refused reply. */
  readonly onStart?: () => void;
  readonly signal?: AbortSignal | undefined;
}

export interface GenerationResult {
  readonly text: string;
  readonly tokens: number;
  /** True when generation stopped before the model ended its turn: the token limit or the deadline. */
  readonly truncated: boolean;
  /**
   * True when generation stopped where the model went on as someone else: a line opening with
   * another speaker's tag or a transcript quote marker. The text ends just before it, the persona's
   * words whole, but a code fence, inline code or spoiler may be left open. Defaults to false.
   */
  readonly stoppedAtStopTrigger?: boolean;
  /** Both count from when the generation had its context sequence: the wait for one is not in them. */
  readonly firstTokenMs: number;
  readonly totalMs: number;
}

export interface ReplyGenerator {
  /** How many replies can be generated at once; the worker's concurrency follows it. */
  readonly parallelism: number;
  generate(request: GenerationRequest): Promise<GenerationResult>;
  dispose(): Promise<void>;
}
