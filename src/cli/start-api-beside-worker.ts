import type { FastifyInstance } from 'fastify';
import { startHttp, type HttpParts } from '../http/start-http.js';
import { backgroundOf } from '../ports/background-classifier.js';
import type { RunningWorker } from '../worker/start-worker.js';

/** startHttp's parts, with the worker whose classifier the API shares in place of a classifier. */
export interface ApiBesideWorkerParts extends Omit<HttpParts, 'classifier'> {
  readonly worker: Pick<RunningWorker, 'classifier'>;
}

/**
 * `feelbot start`'s HTTP API, classifying on the worker's model at its background's turn: with
 * EMOTION_BACKEND=llm the API's texts then wait behind the bot's own (a reply, a /feel) for the
 * classifier's few sequences, for a bounded number of turns.
 */
export function startApiBesideWorker({ worker, ...parts }: ApiBesideWorkerParts): Promise<FastifyInstance> {
  const apiClassifier = backgroundOf(worker.classifier);
  return startHttp({ ...parts, classifier: () => apiClassifier });
}
