import type { FastifyInstance } from 'fastify';
import { startHttp, type HttpParts } from '../http/start-http.js';
import { backgroundOf } from '../ports/background-classifier.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { RunningWorker } from '../worker/start-worker.js';

type SharedWorker = Pick<RunningWorker, 'classifier'>;

/** startHttp's parts, with the worker whose classifier the API shares in place of a classifier. */
export interface ApiBesideWorkerParts extends Omit<HttpParts, 'classifier'> {
  /**
   * The worker once it has started, undefined before: until then /v1/emotion answers 503
   * NOT_READY and /healthz reports the classifier `loading`.
   */
  readonly worker: () => SharedWorker | undefined;
}

/**
 * `feelbot start`'s HTTP API, classifying on the worker's model at its background's turn: with
 * EMOTION_BACKEND=llm the API's texts then wait behind the bot's own (a reply, a /feel) for the
 * classifier's few sequences, for a bounded number of turns.
 */
export function startApiBesideWorker({ worker, ...parts }: ApiBesideWorkerParts): Promise<FastifyInstance> {
  let apiClassifier: EmotionClassifier | undefined;
  const classifier = (): EmotionClassifier | undefined => {
    const started = worker();
    if (started) apiClassifier ??= backgroundOf(started.classifier);
    return apiClassifier;
  };
  return startHttp({ ...parts, classifier });
}
