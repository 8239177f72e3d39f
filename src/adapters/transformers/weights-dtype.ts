import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from './model-config.js';
import { isOnnxDtype, weightsFile, type OnnxDtype } from './onnx-dtype.js';

/** What transformers.js loads on the CPU when neither feelbot nor the model's config.json names a dtype. */
const TRANSFORMERS_DEFAULT_DTYPE: OnnxDtype = 'fp32';

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
