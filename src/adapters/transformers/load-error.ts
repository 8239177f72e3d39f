import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { unwritableOrFull } from '../llama/download-errors.js';
import type { ModelLocation } from './model-location.js';

/** transformers.js's messages for a 401 and a 403 (its ERROR_MAPPING): a gated or private model, or a bad HF_TOKEN. */
const HUB_REFUSED = /^(Unauthorized|Forbidden) access to file/;

/** Why EMOTION_MODEL did not load, with the advice that fits: a download's (the network, HF_TOKEN) or a local folder's. */
export function loadError(model: string, location: ModelLocation, cause: unknown, cacheDir?: string): FeelbotError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (location.kind === 'hub') {
    // transformers.js writes each file into the cache as it downloads it: a read-only or full MODELS_DIR fails there.
    const unwritable = cacheDir ? unwritableOrFull(`EMOTION_MODEL ${model}`, cacheDir, cause) : undefined;
    if (unwritable) return unwritable;
    const advice = HUB_REFUSED.test(reason)
      ? 'The hub refused it: a gated or private model needs HF_TOKEN set to a valid token of an account that has accepted ' +
        `the model's terms on https://huggingface.co/${location.id}. Check HF_TOKEN, or set EMOTION_MODEL to a local folder such as models/emotion.`
      : 'Check the internet connection and the id, or set EMOTION_MODEL to a local folder such as models/emotion.';
    return new FeelbotError(ErrorCodes.ModelDownloadFailed, `Could not download EMOTION_MODEL ${model} from the Hugging Face hub (${reason}). ${advice}`, {
      cause,
      userFacing: true,
      permanent: true,
    });
  }
  return new FeelbotError(
    ErrorCodes.ModelCorrupt,
    `EMOTION_MODEL folder ${location.dir} could not be loaded (${reason}). It needs config.json, tokenizer.json, ` +
      'tokenizer_config.json and onnx/model.onnx; retrain with `python3 training/train_classifier.py` or restore it from git.',
    { cause, userFacing: true, permanent: true },
  );
}

/** A hub model's download a stop signal ended; transformers.js keeps no partial file, so the next start downloads it again. */
export function hubDownloadInterrupted(model: string, cacheDir: string | undefined, reason: unknown): FeelbotError {
  return new FeelbotError(ErrorCodes.Interrupted, `Stopped before EMOTION_MODEL ${model} finished downloading from the Hugging Face hub.`, {
    cause: reason,
    userFacing: true,
    details: { ...(isFeelbotError(reason) ? reason.details : {}), model, ...(cacheDir ? { cacheDir } : {}) },
  });
}
