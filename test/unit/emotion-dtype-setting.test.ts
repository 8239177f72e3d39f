import { describe, expect, it } from 'vitest';
import { ONNX_DTYPES, weightsFile } from '../../src/adapters/transformers/onnx-dtype.js';
import { loadConfig } from '../../src/config.js';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';

describe('EMOTION_DTYPE', () => {
  it("is unset by default, leaving the choice of weights to the model's own config.json", () => {
    expect(loadConfig({}).emotion.dtype).toBeUndefined();
    expect(loadConfig({ EMOTION_DTYPE: '' }).emotion.dtype).toBeUndefined();
  });

  it.each(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'bnb4', 'q4f16'])('takes %s, a dtype transformers.js 4.3.1 loads', (dtype) => {
    expect(loadConfig({ EMOTION_DTYPE: dtype }).emotion.dtype).toBe(dtype);
  });

  it.each(['q3', 'FP32', 'float32', 'auto'])('refuses %s with CONFIG_INVALID naming EMOTION_DTYPE and the values it takes', (dtype) => {
    let problem: unknown;
    try {
      loadConfig({ EMOTION_DTYPE: dtype });
    } catch (error) {
      problem = error;
    }
    expect(isFeelbotError(problem, ErrorCodes.ConfigInvalid)).toBe(true);
    expect((problem as Error).message).toMatch(/EMOTION_DTYPE: .*"q8"/);
  });

  it('names the file transformers.js loads for each dtype in the onnx/ folder', () => {
    expect(ONNX_DTYPES.map(weightsFile)).toEqual([
      'onnx/model.onnx',
      'onnx/model_fp16.onnx',
      'onnx/model_quantized.onnx',
      'onnx/model_int8.onnx',
      'onnx/model_uint8.onnx',
      'onnx/model_q4.onnx',
      'onnx/model_bnb4.onnx',
      'onnx/model_q4f16.onnx',
    ]);
  });
});
