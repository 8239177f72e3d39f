import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { unwritableOrFull } from '../llama/download-errors.js';
import type { ModelLocation } from './model-location.js';
import { ONNX_DTYPES, weightsFile, type OnnxDtype } from './onnx-dtype.js';

type HubLocation = Extract<ModelLocation, { kind: 'hub' }>;

/**
 * transformers.js's messages for a 401 and a 403 (its ERROR_MAPPING): a gated or private model, a
 * bad HF_TOKEN, or (huggingface.co answers 401 to an id that names no repository) a misspelled id.
 */
const HUB_REFUSED = /^(Unauthorized|Forbidden) access to file/;
/** transformers.js's message for a 404 (its ERROR_MAPPING): the hub answered, and the repository has no such file. */
const HUB_MISSING_FILE = /^Could not locate file: "[^"]*\/resolve\/[^/"]+\/([^"]+)"/;
/** transformers.js's messages for a config.json model_type it has no class for, for any task or this one. */
const UNSUPPORTED_TYPE = /^Unsupported model type:? "?([^"\s]+)"?/;
/** ONNX weights in a repository's onnx/ folder, as transformers.js names them: onnx/model_quantized.onnx. */
const WEIGHTS_FILE = /^onnx\/model(_\w+)?\.onnx$/;

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

/** What a hub EMOTION_MODEL's error advice rests on, besides transformers.js's own error. */
export interface HubFacts {
  /** Where hub models are cached (MODELS_DIR/hub). */
  readonly cacheDir?: string;
  /** True when the operator asked for the dtype (EMOTION_DTYPE), not the model. */
  readonly dtypeAsked?: boolean;
  /** The dtypes the repository has ONNX weights for, when feelbot looked (a weights file was missing). */
  readonly available?: readonly OnnxDtype[];
}

/** The file, relative to the repository, that the hub answered 404 for; undefined for any other failure. */
export function missingHubFile(cause: unknown): string | undefined {
  return HUB_MISSING_FILE.exec(cause instanceof Error ? cause.message : String(cause))?.[1];
}

/**
 * Why a hub EMOTION_MODEL did not load, with the advice that fits: a file the repository lacks
 * (no ONNX weights, or none of that dtype), an architecture transformers.js cannot run, a full or
 * read-only cache, HF_TOKEN or a misspelled id, or the network.
 */
export function hubLoadError(model: string, location: HubLocation, cause: unknown, facts: HubFacts = {}): FeelbotError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const unsupported = unsupportedModelError(model, cause);
  if (unsupported) return unsupported;
  const missing = missingHubFile(cause);
  if (missing) return hubFileMissing(model, location, missing, cause, facts);
  // transformers.js writes each file into the cache as it downloads it: a read-only or full MODELS_DIR fails there.
  const unwritable = facts.cacheDir ? unwritableOrFull(`EMOTION_MODEL ${model}`, facts.cacheDir, cause) : undefined;
  if (unwritable) return unwritable;
  const advice = HUB_REFUSED.test(reason)
    ? 'The hub refused it: the id may be misspelled or name no repository (the hub answers so for those too), or a gated or ' +
      'private model needs HF_TOKEN set to a valid token of an account that has accepted ' +
      `the model's terms on https://huggingface.co/${location.id}. Check the id and HF_TOKEN, or set EMOTION_MODEL to a local folder such as models/emotion.`
    : 'Check the internet connection and the id, or set EMOTION_MODEL to a local folder such as models/emotion.';
  return new FeelbotError(ErrorCodes.ModelDownloadFailed, `Could not download EMOTION_MODEL ${model} from the Hugging Face hub (${reason}). ${advice}`, {
    cause,
    userFacing: true,
    permanent: true,
  });
}

/**
 * The hub answered, and the repository lacks a file transformers.js needs: MODEL_NOT_FOUND naming
 * it. For ONNX weights the advice names the dtypes it has, or an ONNX conversion when it has none
 * (a PyTorch-only repository, as most fine-tunes on the hub are).
 */
export function hubFileMissing(model: string, location: HubLocation, file: string, cause: unknown, facts: HubFacts = {}): FeelbotError {
  const options = { cause, userFacing: true, permanent: true, details: { missing: [file] } };
  const page = `https://huggingface.co/${location.id}`;
  if (!WEIGHTS_FILE.test(file)) {
    return new FeelbotError(
      ErrorCodes.ModelNotFound,
      `EMOTION_MODEL ${model} on the Hugging Face hub has no ${file}, which transformers.js needs to load it (see ${page}). ` +
        'Check the id, or use a transformers.js-ready conversion of the model (an onnx-community/… repository).',
      options,
    );
  }
  const dtype = ONNX_DTYPES.find((candidate) => weightsFile(candidate) === file);
  const wanted = dtype ? `, the ${dtype} weights ${facts.dtypeAsked ? 'EMOTION_DTYPE asks for' : 'transformers.js loads by default'}` : '';
  const { available } = facts;
  const conversion = 'use an ONNX conversion of the model (an onnx-community/… repository, or one exported with Optimum)';
  const advice =
    available === undefined
      ? `transformers.js runs only ONNX weights: set EMOTION_DTYPE to a dtype the repository has weights for, or ${conversion}.`
      : available.length === 0
        ? `It has no ONNX weights at all (a PyTorch or TensorFlow model), and transformers.js runs only ONNX: ${conversion}, ` +
          'or set EMOTION_MODEL to a local folder such as models/emotion.'
        : `It has ONNX weights for ${available.join(', ')}: set EMOTION_DTYPE to ${available.length === 1 ? available[0] : 'one of them'}.`;
  return new FeelbotError(ErrorCodes.ModelNotFound, `EMOTION_MODEL ${model} on the Hugging Face hub has no ${file}${wanted} (see ${page}/tree/main/onnx). ${advice}`, options);
}

/** MODEL_UNSUPPORTED when transformers.js has no class for the model's architecture, local or hub; undefined for any other failure. */
export function unsupportedModelError(model: string, cause: unknown): FeelbotError | undefined {
  const type = UNSUPPORTED_TYPE.exec(cause instanceof Error ? cause.message : String(cause))?.[1];
  if (!type) return undefined;
  return new FeelbotError(
    ErrorCodes.ModelUnsupported,
    `EMOTION_MODEL ${model} is a "${type}" model (its config.json's model_type), which transformers.js cannot run: its files are ` +
      'there, and no download or copy can help. Set EMOTION_MODEL to a text-classification model of an architecture ' +
      'transformers.js supports (BERT, DistilBERT, RoBERTa, XLM-RoBERTa, DeBERTa, ELECTRA and others).',
    { cause, userFacing: true, permanent: true, details: { modelType: type } },
  );
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
