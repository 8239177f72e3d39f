import { describe, expect, it } from 'vitest';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { SHIPPED_EMOTION_MODEL } from '../support/fixtures.js';

const TEXT = 'i feel so lonely tonight';

/** `feelbot analyze`'s JSON line (logs carry a `level`). */
async function analyzed(env: Record<string, string>): Promise<{ confidence: number; emotion: string }> {
  const analyze = new FeelbotProcess(['analyze', TEXT], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL, ...env });
  expect(await analyze.waitForExit()).toBe(0);
  const [result] = analyze.logs.filter((line) => line.level === undefined);
  return result as { confidence: number; emotion: string };
}

describe('EMOTION_DTYPE', () => {
  it("picks the shipped model's weights: q8 reads the quantized graph, whose confidence differs from the fp32 default's", async () => {
    const fp32 = await analyzed({});
    const q8 = await analyzed({ EMOTION_DTYPE: 'q8' });
    expect(q8.emotion).toBe(fp32.emotion);
    expect(q8.confidence).not.toBe(fp32.confidence);
    expect(await analyzed({ EMOTION_DTYPE: 'fp32' })).toEqual(fp32);
  });

  it('asking for weights feelbot does not ship stops with MODEL_CORRUPT naming the file and the dtypes it ships', async () => {
    const analyze = new FeelbotProcess(['analyze', TEXT], { EMOTION_MODEL: SHIPPED_EMOTION_MODEL, EMOTION_DTYPE: 'fp16' });
    expect(await analyze.waitForExit()).toBe(1);
    const output = analyze.output.join('\n');
    expect(output).toContain('has no onnx/model_fp16.onnx');
    expect(output).toContain('set EMOTION_DTYPE to fp32 or q8');
    expect(output).toContain('(MODEL_CORRUPT)');
  });
});
