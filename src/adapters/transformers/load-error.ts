import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { unwritableOrFull } from '../llama/download-errors.js';
import type { ModelLocation } from './model-location.js';

type HubLocation = Extract<ModelLocation, { kind: 'hub' }>;

/** transformers.js's messages for a 401 and a 403 (its ERROR_MAPPING): a gated or private model, or a bad HF_TOKEN. */
const HUB_REFUSED = /^(Unauthorized|Forbidden) access to file/;

/** What a local folder's MODEL_CORRUPT advice rests on. */
export interface LocalFolderFacts {
  /** Written by feelbot's training script, so retraining can write it again. */
  readonly feelbotFolder: boolean;
  /** The weights transformers.js was to load; undefined when feelbot cannot tell (a per-file dtype). */
  readonly weights?: {
    /** Relative to the folder: onnx/model_quantized.onnx for q8. */
    readonly file: string;
    readonly dtype: string;
    /** True when the operator asked for this dtype (EMOTION_DTYPE), not the model. */
    readonly asked: boolean;
  };
}

/** Besides config.json (locateModel checks it) and the weights, what transformers.js reads from a classifier folder. */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];

/** Why a hub EMOTION_MODEL did not load, with the advice that fits: a full or read-only cache, HF_TOKEN, or the network. */
export function hubLoadError(model: string, location: HubLocation, cause: unknown, cacheDir?: string): FeelbotError {
  const reason = cause instanceof Error ? cause.message : String(cause);
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

/**
 * Why a local EMOTION_MODEL folder did not load. feelbot's own folder is retrained or restored from
 * git; any other came from elsewhere, so the advice names the files it lacks and, for weights, the
 * dtype that wanted them.
 */
export function folderLoadError(dir: string, cause: unknown, folder: LocalFolderFacts): FeelbotError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const { weights } = folder;
  const missing = [...TOKENIZER_FILES, ...(weights ? [weights.file] : [])].filter((file) => !existsSync(join(dir, file)));
  const options = { cause, userFacing: true, permanent: true, details: { missing } };
  if (folder.feelbotFolder && weights?.asked && missing.length === 1 && missing[0] === weights.file) {
    // The folder is whole; the operator asked for weights feelbot does not ship.
    return new FeelbotError(
      ErrorCodes.ModelCorrupt,
      `EMOTION_MODEL folder ${dir} has no ${weights.file}, the ${weights.dtype} weights EMOTION_DTYPE asks for: ` +
        'feelbot ships onnx/model.onnx (fp32) and onnx/model_quantized.onnx (q8); set EMOTION_DTYPE to fp32 or q8, or leave it unset.',
      options,
    );
  }
  if (folder.feelbotFolder) {
    return new FeelbotError(
      ErrorCodes.ModelCorrupt,
      `EMOTION_MODEL folder ${dir} could not be loaded (${reason}). It needs config.json, ${TOKENIZER_FILES.join(', ')} and ` +
        `${weights?.file ?? 'its ONNX weights'}; retrain with \`python3 training/train_classifier.py\` or restore it from git.`,
      options,
    );
  }
  if (missing.length === 0) {
    return new FeelbotError(
      ErrorCodes.ModelCorrupt,
      `EMOTION_MODEL folder ${dir} could not be loaded (${reason}). Its files are there, but one is damaged or not a ` +
        'transformers.js text-classification model; copy the model again from where it came from.',
      options,
    );
  }
  const advice =
    weights && missing.includes(weights.file)
      ? ` ${weights.file} holds the ${weights.dtype} weights, ${weights.asked ? 'which EMOTION_DTYPE asks for' : "the model's default"}: ` +
        "copy that file from the model's onnx/ folder on the hub, or set EMOTION_DTYPE to the dtype of weights the folder has " +
        '(onnx/model.onnx is fp32, onnx/model_quantized.onnx q8).'
      : " Copy them from the model's repository on the hub.";
  // transformers.js's own message only says again which file was not found; it stays as the cause.
  return new FeelbotError(ErrorCodes.ModelCorrupt, `EMOTION_MODEL folder ${dir} has no ${missing.join(', ')}.${advice}`, options);
}

/** A hub model's download a stop signal ended; transformers.js keeps no partial file, so the next start downloads it again. */
export function hubDownloadInterrupted(model: string, cacheDir: string | undefined, reason: unknown): FeelbotError {
  return new FeelbotError(ErrorCodes.Interrupted, `Stopped before EMOTION_MODEL ${model} finished downloading from the Hugging Face hub.`, {
    cause: reason,
    userFacing: true,
    details: { ...(isFeelbotError(reason) ? reason.details : {}), model, ...(cacheDir ? { cacheDir } : {}) },
  });
}
