import { describe, expect, it } from 'vitest';
import { inferenceError } from '../../src/adapters/transformers/inference-error.js';
import { ErrorCodes } from '../../src/errors.js';

const MODEL = 'someone/emotion-bert';

/** ONNX Runtime's messages, as onnxruntime-node throws them (one line of what failed, then its source's detail). */
const ARENA_FULL =
  "Non-zero status code returned while running MatMul node. Name:'/bert/encoder/layer.0/attention/self/MatMul' Status Message: " +
  '/onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, ' +
  'onnxruntime::Stream*, bool, onnxruntime::WaitNotificationFn) Failed to allocate memory for requested buffer of size 201326592\n';
const BAD_ALLOC = "Non-zero status code returned while running Softmax node. Name:'/bert/encoder/layer.3/attention/self/Softmax' Status Message: std::bad_alloc\n";
const POSITIONS_PAST_TABLE =
  "Non-zero status code returned while running Add node. Name:'/bert/embeddings/Add_1' Status Message: /onnxruntime_src/onnxruntime/core/providers/cpu/math/" +
  'element_wise_ops.h:563 void onnxruntime::BroadcastIterator::Init(ptrdiff_t, ptrdiff_t) axis == 1 || axis == largest was false. ' +
  'Attempting to broadcast an axis by a dimension other than 1. 128 by 512\n';

describe('inferenceError', () => {
  it('a text the model cannot read fails for good, as CLASSIFIER_FAILED naming the model and what to set', () => {
    const error = inferenceError(MODEL, 512, new Error(POSITIONS_PAST_TABLE));
    expect(error).toMatchObject({ code: ErrorCodes.ClassifierFailed, userFacing: true, permanent: true });
    expect(error.message).toContain(MODEL);
    expect(error.message).toContain('model_max_length');
  });

  it.each([
    ['its memory arena is full', ARENA_FULL],
    ['an allocation throws std::bad_alloc', BAD_ALLOC],
    ['Node cannot allocate a tensor', 'Array buffer allocation failed'],
  ])('when %s, the failure is no fault of the text: CLASSIFIER_FAILED is retried (not permanent), and names memory, not model_max_length', (_case, message) => {
    const error = inferenceError(MODEL, 512, new RangeError(message));
    expect(error).toMatchObject({ code: ErrorCodes.ClassifierFailed, permanent: false });
    expect(error.message).toContain(MODEL);
    expect(error.message).toContain('memory');
    expect(error.message).not.toContain('model_max_length');
  });
});
