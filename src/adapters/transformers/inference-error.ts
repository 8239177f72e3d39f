import { ErrorCodes, FeelbotError } from '../../errors.js';

/** ONNX Runtime's messages run to several lines of its source's detail; the first says what failed. */
const REASON_CHARS = 300;

/**
 * Why a loaded EMOTION_MODEL failed to read a batch of texts. The same texts fail the same way
 * again, so it is permanent; the message names the model and ONNX Runtime's reason, never the
 * texts, which are the users' messages.
 */
export function inferenceError(model: string, tokenLimit: number, cause: unknown): FeelbotError {
  const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0]!.slice(0, REASON_CHARS);
  return new FeelbotError(
    ErrorCodes.ClassifierFailed,
    `EMOTION_MODEL ${model} failed to read a text in ONNX Runtime (${reason}). feelbot cut it at ${tokenLimit} tokens, the fewer of its ` +
      "tokenizer_config.json's model_max_length and its config.json's max_position_embeddings; if the model reads fewer, set " +
      'model_max_length in its tokenizer_config.json to what it reads, or set EMOTION_MODEL to another model.',
    { cause, userFacing: true, permanent: true, details: { model, tokenLimit } },
  );
}
