import { ErrorCodes, FeelbotError } from '../../errors.js';

/** ONNX Runtime's messages run to several lines of its source's detail; the first says what failed. */
const REASON_CHARS = 300;

/**
 * How ONNX Runtime (its memory arena, a C++ std::bad_alloc) and Node (a tensor's buffer) say they
 * found no memory: the machine's state at the time, no fault of the text.
 */
const OUT_OF_MEMORY = /Failed to allocate memory|BFC Arena ran out of memory|bad_alloc|bad allocation|Array buffer allocation failed/i;

/**
 * Why a loaded EMOTION_MODEL failed to read a text. The same text fails the same way again, so it
 * is permanent, unless memory ran out, which a retry may not meet. The message names the model and
 * ONNX Runtime's reason, never the text, which is a user's message.
 */
export function inferenceError(model: string, tokenLimit: number, cause: unknown): FeelbotError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const reason = message.split('\n')[0]!.slice(0, REASON_CHARS);
  if (OUT_OF_MEMORY.test(message)) {
    return new FeelbotError(
      ErrorCodes.ClassifierFailed,
      `EMOTION_MODEL ${model} ran out of memory in ONNX Runtime (${reason}). If this recurs, give the process ` +
        'more memory, or set EMOTION_MODEL to a smaller model.',
      { cause, userFacing: true, permanent: false, details: { model, tokenLimit } },
    );
  }
  return new FeelbotError(
    ErrorCodes.ClassifierFailed,
    `EMOTION_MODEL ${model} failed to read a text in ONNX Runtime (${reason}). feelbot cut it at ${tokenLimit} tokens, the fewer of its ` +
      "tokenizer_config.json's model_max_length and its config.json's max_position_embeddings; if the model reads fewer, set " +
      'model_max_length in its tokenizer_config.json to what it reads, or set EMOTION_MODEL to another model.',
    { cause, userFacing: true, permanent: true, details: { model, tokenLimit } },
  );
}
