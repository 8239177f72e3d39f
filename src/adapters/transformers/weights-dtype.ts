import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelRegistry } from '@huggingface/transformers';
import type { ModelConfig } from './model-config.js';
import { isOnnxDtype, weightsFile, type OnnxDtype } from './onnx-dtype.js';

/** What transformers.js loads on the CPU when neither feelbot nor the model's config.json names a dtype. */
const TRANSFORMERS_DEFAULT_DTYPE: OnnxDtype = 'fp32';
/** What a hub model with no fp32 weights loads instead, in order: q8 as a local folder does, else fp16, which the CPU also runs. */
const HUB_FALLBACK_DTYPES: readonly OnnxDtype[] = ['q8', 'fp16'];

/**
 * The dtype feelbot asks transformers.js for: the operator's (EMOTION_DTYPE), else a feelbot
 * folder's `feelbot_default_dtype`, else q8 for a local folder whose only weights are
 * onnx/model_quantized.onnx. Undefined lets transformers.js choose by the model's own
 * `"transformers.js_config": {"dtype": …}`, or fp32.
 */
export function dtypeToRequest(requested: OnnxDtype | undefined, config: ModelConfig | undefined, dir: string | undefined): OnnxDtype | undefined {
  if (requested) return requested;
  if (config?.feelbot_default_dtype) return config.feelbot_default_dtype;
  if (config?.['transformers.js_config']?.dtype !== undefined || dir === undefined) return undefined;
  const onlyQuantized = !existsSync(join(dir, weightsFile('fp32'))) && existsSync(join(dir, weightsFile('q8')));
  return onlyQuantized ? 'q8' : undefined;
}

/**
 * The dtype transformers.js ends up loading for `requested` (dtypeToRequest's answer), for naming
 * its weights file in an error; undefined for a choice feelbot does not know (a per-file dtype, q2).
 */
export function dtypeLoaded(requested: OnnxDtype | undefined, config: ModelConfig | undefined): OnnxDtype | undefined {
  if (requested) return requested;
  const declared = config?.['transformers.js_config']?.dtype;
  if (declared === undefined || declared === 'auto') return TRANSFORMERS_DEFAULT_DTYPE;
  return isOnnxDtype(declared) ? declared : undefined;
}

/** The weights a hub model with no fp32 ones loads instead, of those `available`; undefined when it has none of them. */
export function hubFallbackDtype(available: readonly OnnxDtype[] | undefined): OnnxDtype | undefined {
  return HUB_FALLBACK_DTYPES.find((dtype) => available?.includes(dtype));
}

/**
 * The fallback dtype whose weights a hub model's cache holds when it has no fp32 ones (what
 * `models pull` fetched for a repository without onnx/model.onnx, or an EMOTION_DTYPE=q8 run);
 * undefined otherwise. For when the hub does not answer: asked for directly, it loads offline, as
 * transformers.js reads cached files first, while hubFallbackDtype needs the hub's 404 for fp32. It
 * is no answer online, since the cache cannot tell a repository without fp32 weights from one whose
 * fp32 weights were never fetched.
 */
export function cachedHubFallbackDtype(cacheDir: string, id: string): OnnxDtype | undefined {
  const cached = (dtype: OnnxDtype) => existsSync(join(cacheDir, id, weightsFile(dtype)));
  return cached(TRANSFORMERS_DEFAULT_DTYPE) ? undefined : HUB_FALLBACK_DTYPES.find(cached);
}

/**
 * The dtypes a hub repository has ONNX weights for, as transformers.js finds them (a request for
 * each weights file); undefined when it cannot tell (the hub did not answer).
 */
export async function hubDtypes(id: string): Promise<OnnxDtype[] | undefined> {
  try {
    return (await ModelRegistry.get_available_dtypes(id)).filter(isOnnxDtype);
  } catch {
    return undefined;
  }
}
