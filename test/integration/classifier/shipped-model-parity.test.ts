import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { env, pipeline, type TextClassificationPipeline } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

interface Reference {
  readonly labels: readonly string[];
  readonly cases: readonly { readonly text: string; readonly probabilities: readonly number[] }[];
}

const dir = resolve(SHIPPED_EMOTION_MODEL);
const reference = JSON.parse(readFileSync(resolve(dir, 'reference-probabilities.json'), 'utf8')) as Reference;
// fp32 differs from PyTorch only by float rounding; int8 weights move the probabilities a little more.
const TOLERANCE = { fp32: 1e-4, q8: 2e-2 } as const;

describe('the shipped ONNX files against the PyTorch probabilities saved when the model was trained', () => {
  for (const dtype of ['fp32', 'q8'] as const) {
    it(`${dtype}: every reference text gets the same probabilities, within ${TOLERANCE[dtype]}`, async () => {
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = dirname(dir);
      const classify = (await pipeline('text-classification', basename(dir), { dtype })) as TextClassificationPipeline;
      try {
        const outputs = (await classify(reference.cases.map((c) => c.text), { top_k: null })) as unknown as
          { label: string; score: number }[][];
        expect(outputs).toHaveLength(reference.cases.length);
        let worst = 0;
        outputs.forEach((scores, i) => {
          expect(scores).toHaveLength(reference.labels.length);
          for (const { label, score } of scores) {
            const expected = reference.cases[i]!.probabilities[reference.labels.indexOf(label)]!;
            worst = Math.max(worst, Math.abs(score - expected));
          }
        });
        expect(worst).toBeLessThan(TOLERANCE[dtype]);
      } finally {
        await classify.dispose();
      }
    });
  }
});
