/**
 * The reply model's defaults, read by the generator (for a caller that names none) and by the
 * config (for an unset variable), so the bot, the tests and the benches agree. No imports: the
 * config reads this before anything loads llama.cpp.
 */
export const LLM_DEFAULTS = {
  /** Conversations one context serves at once (LLM_SEQUENCES). */
  sequences: 4,
  /** Replies of one LoRA persona generating at once (LLM_LORA_SEQUENCES). */
  loraSequences: 1,
  /** Tokens each conversation sees (LLM_CONTEXT_SIZE). */
  contextSize: 4_096,
  /** A reply's generation deadline (LLM_TIMEOUT_MS). */
  timeoutMs: 60_000,
} as const;
