import { ModelFileNotFoundError, pipeline, type TextClassificationPipeline } from '@huggingface/transformers';
import { whyNotMade } from '../llama/download-folder.js';
import { folderLoadError, hubDownloadInterrupted, hubFileMissing, hubLoadError, missingHubFile, unsupportedModelError, type LocalFolderFacts } from './load-error.js';
import { isFeelbotFolder, type ModelConfig } from './model-config.js';
import type { ModelLocation } from './model-location.js';
import { weightsFile, type OnnxDtype } from './onnx-dtype.js';
import { cachedHubFallbackDtype, dtypeLoaded, dtypeToRequest, hubDtypes, hubFallbackDtype } from './weights-dtype.js';

/** Where hub models are cached when no cacheDir is given. */
export const DEFAULT_HUB_CACHE = 'models/hub';

/** What loading EMOTION_MODEL's pipeline needs to know. */
export interface TextClassifierRequest {
  /** EMOTION_MODEL as the operator wrote it, for naming it in an error. */
  readonly model: string;
  readonly location: ModelLocation;
  /** A local folder's config.json; undefined for a hub model, which transformers.js reads itself. */
  readonly config: ModelConfig | undefined;
  /** EMOTION_DTYPE. */
  readonly dtype?: OnnxDtype;
  /** Where hub models are cached. Defaults to DEFAULT_HUB_CACHE. */
  readonly cacheDir?: string;
  /** A stop signal: a download it ends is INTERRUPTED, not a failure. */
  readonly signal?: AbortSignal;
}

/**
 * transformers.js's text-classification pipeline for EMOTION_MODEL, at the dtype dtypeToRequest
 * picks; a hub model with no fp32 weights loads its q8 (else fp16) ones, as a local folder with only
 * quantized weights does, and offline the q8 (else fp16) ones its cache holds without fp32 ones. A
 * failure, a model without a tokenizer included, is a coded error with the advice that fits its cause.
 */
export async function loadTextClassifier(request: TextClassifierRequest): Promise<TextClassificationPipeline> {
  const { location } = request;
  const cacheDir = request.cacheDir ?? DEFAULT_HUB_CACHE;
  const dtype = location.kind === 'local' ? dtypeToRequest(request.dtype, request.config, location.dir) : request.dtype;
  const classifier = await loadPipeline(request, dtype, cacheDir);
  // Typed as always there, it is null for a model without tokenizer_config.json: transformers.js then loads none, and says nothing.
  if (classifier.tokenizer !== null) return classifier;
  await classifier.dispose();
  const cause = new Error('transformers.js loaded no tokenizer: it reads tokenizer.json only beside a tokenizer_config.json');
  throw location.kind === 'local'
    ? folderLoadError(location.dir, cause, folderFacts(request.config ?? {}, request.dtype, dtype))
    : hubFileMissing(request.model, location, 'tokenizer_config.json', cause);
}

async function loadPipeline(request: TextClassifierRequest, dtype: OnnxDtype | undefined, cacheDir: string): Promise<TextClassificationPipeline> {
  const { location } = request;
  // A folder by its absolute path: transformers.js reads a name under env.localModelPath only when
  // it is a valid hub id (no space, "--" or ".."), and reads any other as a path, never fetched.
  const modelId = location.kind === 'local' ? location.dir : location.id;
  try {
    return await textClassification(modelId, dtype);
  } catch (cause) {
    throwIfStopped(request);
    if (location.kind === 'local') {
      throw unsupportedModelError(request.model, cause) ?? folderLoadError(location.dir, cause, folderFacts(request.config ?? {}, request.dtype, dtype));
    }
    const missing = missingHubFile(cause);
    // Only a missing weights file is worth the hub's list of dtypes: 12 small requests, on failure alone.
    const available = missing?.startsWith('onnx/') ? await hubDtypes(location.id) : undefined;
    throwIfStopped(request);
    // The hub lacking fp32 weights (404) names the fallback; the hub not answering (no 401, 403 or
    // 404), the cache does: only the hub can tell a repository without fp32 weights from an earlier
    // EMOTION_DTYPE=q8 run that cached q8 alone, so the cache is read only when it cannot be asked.
    const unanswered = !(cause instanceof ModelFileNotFoundError);
    const fallback =
      dtype !== undefined ? undefined
      : missing === weightsFile('fp32') ? hubFallbackDtype(available)
      : unanswered ? cachedHubFallbackDtype(cacheDir, location.id)
      : undefined;
    let failure = cause;
    if (fallback) {
      try {
        return await textClassification(modelId, fallback);
      } catch (retryCause) {
        throwIfStopped(request);
        failure = retryCause;
      }
    }
    throw hubLoadError(request.model, location, await whyNotMade(cacheDir, failure), { cacheDir, dtypeAsked: request.dtype !== undefined, available });
  }
}

async function textClassification(modelId: string, dtype: OnnxDtype | undefined): Promise<TextClassificationPipeline> {
  // No dtype lets transformers.js read the model's own choice from its config.json.
  return (await pipeline('text-classification', modelId, dtype ? { dtype } : {})) as TextClassificationPipeline;
}

function throwIfStopped(request: TextClassifierRequest): void {
  if (request.signal?.aborted) throw hubDownloadInterrupted(request.model, request.cacheDir, request.signal.reason);
}

/** What a local folder's MODEL_CORRUPT advice needs: whose folder it is, and which weights file was wanted. */
function folderFacts(config: ModelConfig, asked: OnnxDtype | undefined, requested: OnnxDtype | undefined): LocalFolderFacts {
  const loaded = dtypeLoaded(requested, config);
  return {
    feelbotFolder: isFeelbotFolder(config),
    weights: loaded && { file: weightsFile(loaded), dtype: loaded, asked: asked !== undefined },
  };
}
