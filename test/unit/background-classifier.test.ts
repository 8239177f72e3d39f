import { describe, expect, it } from 'vitest';
import { backgroundOf, type ClassifierWithBackground } from '../../src/ports/background-classifier.js';
import type { EmotionClassifier } from '../../src/ports/emotion-classifier.js';
import { NO_METRICS } from '../../src/ports/metrics.js';
import { workerClassifier } from '../../src/worker/worker-classifier.js';
import { buildAnalysis } from '../factories.js';

/** A model that records which of its callers saw each text, and what was disposed in which order. */
function recordingModel(events: string[]): EmotionClassifier {
  return {
    classify: async (texts) => (events.push(...texts.map((text) => `model: ${text}`)), texts.map(() => buildAnalysis())),
    dispose: async () => void events.push('model disposed'),
  };
}

describe("the HTTP API's classifier under `feelbot start`", () => {
  it("with a model that has no background (ONNX), the API shares the worker's classifier, as before", () => {
    const worker = workerClassifier(recordingModel([]), NO_METRICS);
    expect(backgroundOf(worker)).toBe(worker);
  });

  it("with a model that has a background (the LLM), the API's texts go to the background and the jobs' to the model", async () => {
    const events: string[] = [];
    const own = recordingModel(events);
    const model: ClassifierWithBackground = {
      ...own,
      background: {
        classify: async (texts) => (events.push(...texts.map((text) => `background: ${text}`)), texts.map(() => buildAnalysis())),
        dispose: async () => void events.push('background disposed'),
      },
    };
    const worker = workerClassifier(model, NO_METRICS);
    // Sent in the same turn: one shared batch would put both on one side.
    await Promise.all([worker.classify(['a job']), backgroundOf(worker).classify(['an API text'])]);
    expect(events.sort()).toEqual(['background: an API text', 'model: a job']);
  });

  it("disposing the worker's classifier ends the background's calls before it disposes the model they run on", async () => {
    const events: string[] = [];
    const own = recordingModel(events);
    let finish: () => void = () => undefined;
    const model: ClassifierWithBackground = {
      ...own,
      background: {
        classify: (texts) => new Promise((resolve) => (finish = () => (events.push('background call ended'), resolve(texts.map(() => buildAnalysis()))))),
        dispose: async () => undefined,
      },
    };
    const worker = workerClassifier(model, NO_METRICS);
    const running = backgroundOf(worker).classify(['an API text']);
    await new Promise((resolve) => setImmediate(resolve));
    const disposing = worker.dispose();
    await new Promise((resolve) => setImmediate(resolve));
    finish();
    await Promise.all([running, disposing]);
    expect(events).toEqual(['background call ended', 'model disposed']);
  });
});
