import type { DataType } from '@huggingface/transformers';

/**
 * The ONNX weights EMOTION_DTYPE may name: the dtypes transformers.js 4.3.1 loads for which
 * classifiers ship files. Its q2, q2f16, q1 and q1f16 are left out, and `auto` is what leaving
 * EMOTION_DTYPE unset means.
 */
export const ONNX_DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'bnb4', 'q4f16'] as const satisfies readonly DataType[];

export type OnnxDtype = (typeof ONNX_DTYPES)[number];

/** The suffix transformers.js puts on onnx/model.onnx for each dtype (its DEFAULT_DTYPE_SUFFIX_MAPPING). */
const WEIGHTS_SUFFIX = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  bnb4: '_bnb4',
  q4f16: '_q4f16',
} as const satisfies Record<OnnxDtype, string>;

export function isOnnxDtype(value: unknown): value is OnnxDtype {
  return typeof value === 'string' && (ONNX_DTYPES as readonly string[]).includes(value);
}

/** The file, relative to the model folder, that transformers.js loads for `dtype`: onnx/model_quantized.onnx for q8. */
export function weightsFile(dtype: OnnxDtype): string {
  return `onnx/model${WEIGHTS_SUFFIX[dtype]}.onnx`;
}
