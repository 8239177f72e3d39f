import type { FastifyInstance } from 'fastify';
import { classifyEachSettled, isFailedText, type SettledAnalysis } from '../../classifier/classify-each-settled.js';
import { EMOTIONS } from '../../domain/emotions.js';
import { MAX_MESSAGE_CHARS } from '../../domain/message-limits.js';
import type { EmotionAnalysis, EmotionClassifier } from '../../ports/emotion-classifier.js';
import type { Logger } from '../../ports/logger.js';
import { body as errorBody, errorBodySchema } from '../http-error.js';
import { failedTextBody, failedTextResponse, failedTextSchema, isRetryableClassifierFailure, logFailedTexts, retryableFailureBody } from './classifier-failure.js';

/** The longest chat message Discord allows, in characters as it counts them (the schema's maxLength counts code points too); longer texts are not chat. */
export const MAX_TEXT_CHARS = MAX_MESSAGE_CHARS;
/** One batch fills the classifier once; bigger batches only add queueing delay for others. */
export const MAX_BATCH_TEXTS = 256;
/**
 * Texts being analysed at once, over all requests: four full batches, about a minute of CPU at
 * worst. Past it the API answers 503 BUSY with Retry-After instead of queueing without end.
 */
export const MAX_TEXTS_IN_FLIGHT = 4 * MAX_BATCH_TEXTS;
/** The Retry-After of a 503 BUSY, and of a classifier failure a retry may mend (memory ran out): a few batches' time. */
const RETRY_AFTER_SECONDS = 5;
/** A request's texts go to the classifier this many at a time, so a client that left is noticed within one call; a full batch of BatchingClassifier, so no batching is lost. */
export const TEXTS_PER_CALL = 64;

const text = { type: 'string', minLength: 1, maxLength: MAX_TEXT_CHARS, pattern: '\\S' } as const;

/**
 * Every field of an EmotionAnalysis, as `feelbot analyze` prints it: the serializer drops any field
 * not listed, so the type checks that none is missing here.
 */
const analysisProperties = {
  emotion: { type: 'string', enum: [...EMOTIONS] },
  confidence: { type: 'number', minimum: 0, maximum: 1 },
  neutral: { type: 'boolean' },
  scores: {
    type: 'object',
    required: [...EMOTIONS],
    properties: Object.fromEntries(EMOTIONS.map((emotion) => [emotion, { type: 'number' }])),
  },
  unreadable: { type: 'boolean', description: 'Present (true) when nothing in the text could be read; `emotion` is then no finding.' },
  multiLabel: {
    type: 'boolean',
    enum: [true],
    description: "Present (true) when a multi-label model scored the text: `confidence` is then the top emotion's own sigmoid, not a share of the whole.",
  },
} as const satisfies Record<keyof EmotionAnalysis, object>;

const analysisRequired = ['emotion', 'confidence', 'neutral', 'scores'] as const;

const analysis = { type: 'object', required: analysisRequired, properties: analysisProperties } as const;

/** A batch's entry: the text's analysis, or, for a text the model failed to read, its error. */
const batchEntry = {
  type: 'object',
  properties: analysisProperties,
  anyOf: [{ type: 'object', required: analysisRequired }, failedTextSchema],
} as const;

const schema = {
  summary: 'Emotion scores of one text or a batch of texts',
  // One object with exactly one of two fields, not a oneOf: a oneOf's failure reports every branch.
  body: {
    type: 'object',
    description: 'Either "text" (one text) or "texts" (a batch, answered in the same order).',
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: false,
    properties: {
      text: { ...text, description: 'One text to analyse.' },
      texts: { type: 'array', minItems: 1, maxItems: MAX_BATCH_TEXTS, items: text, description: 'Texts to analyse.' },
    },
  },
  response: {
    200: {
      oneOf: [analysis, { type: 'object', required: ['results'], properties: { results: { type: 'array', items: batchEntry } } }],
    },
    400: errorBodySchema('The request is malformed, or its body is not a valid request.', ['INVALID_REQUEST', 'INVALID_JSON', 'INVALID_ENCODING', 'BAD_REQUEST']),
    413: errorBodySchema('The body is over the size limit; send fewer texts per request.', ['BODY_TOO_LARGE']),
    415: errorBodySchema('The body is not uncompressed UTF-8 application/json.', ['UNSUPPORTED_MEDIA_TYPE']),
    422: failedTextResponse,
    500: errorBodySchema('A bug; it is logged.', ['INTERNAL']),
    503: {
      ...errorBodySchema(
        'Not now: the classifier is loading (NOT_READY), too many texts are in flight (BUSY), the server is stopping (SHUTTING_DOWN), or the classifier failed for a reason a retry may mend, such as memory running out (CLASSIFIER_FAILED).',
        ['NOT_READY', 'BUSY', 'SHUTTING_DOWN', 'CLASSIFIER_FAILED'],
      ),
      // @fastify/swagger publishes this as the response's header; the serializer ignores it.
      headers: { 'Retry-After': { type: 'integer', minimum: 1, description: 'Seconds to wait before trying again; sent with BUSY and CLASSIFIER_FAILED.' } },
    },
  },
} as const;

type EmotionBody = { text: string } | { texts: string[] };

/**
 * POST /v1/emotion: the earlier project's FastAPI endpoint, with limits and a schema. The server's
 * close ends only once no analysis of it runs on the classifier, which its owner disposes next: an
 * answer cut off at the close's grace (closeConnectionsOnStop) leaves its client gone, so it ends
 * with the classifier call it is in.
 */
export function registerEmotionRoute(
  app: FastifyInstance,
  classifier: () => EmotionClassifier | undefined,
  logger: Logger,
  maxTextsInFlight = MAX_TEXTS_IN_FLIGHT,
): void {
  let inFlight = 0;
  const analysing = new Set<Promise<unknown>>();
  // onClose runs once the server has closed, after the cut-off: no analysis begins after it.
  app.addHook('onClose', async () => {
    await Promise.allSettled(analysing);
  });
  app.post<{ Body: EmotionBody }>('/v1/emotion', { schema }, async (request, reply) => {
    const ready = classifier();
    if (!ready) return reply.status(503).send({ error: { code: 'NOT_READY', message: 'The classifier is still loading.' } });
    const texts = 'text' in request.body ? [request.body.text] : request.body.texts;
    if (inFlight + texts.length > maxTextsInFlight) {
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send(errorBody('BUSY', `${inFlight} texts are being analysed; try again in ${RETRY_AFTER_SECONDS} seconds.`));
    }
    inFlight += texts.length;
    try {
      const analysis = classifyWhileWanted(ready, texts, () => request.raw.socket.destroyed);
      analysing.add(analysis);
      const results = await analysis.finally(() => analysing.delete(analysis));
      // Nobody is there to answer.
      if (!results) return reply.hijack();
      logFailedTexts(logger, results);
      if ('text' in request.body) {
        const [result] = results;
        return isFailedText(result!) ? reply.status(422).send(failedTextBody(result)) : result;
      }
      return { results: results.map((result) => (isFailedText(result) ? failedTextBody(result) : result)) };
    } catch (error) {
      if (!isRetryableClassifierFailure(error)) throw error;
      logger.error({ code: error.code, err: error }, 'the classifier failed for a reason a retry may mend; the request is answered 503');
      return reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(retryableFailureBody(error, RETRY_AFTER_SECONDS));
    } finally {
      inFlight -= texts.length;
    }
  });
}

/**
 * The texts' analyses, TEXTS_PER_CALL at a time, a text the model fails to read for good settled
 * with its error so the others are still answered; undefined, with the rest left unanalysed, once
 * the client has left (it gave up waiting), so its place in flight goes to the clients still waiting.
 */
async function classifyWhileWanted(classifier: EmotionClassifier, texts: readonly string[], clientLeft: () => boolean): Promise<SettledAnalysis[] | undefined> {
  const results: SettledAnalysis[] = [];
  for (let start = 0; start < texts.length; start += TEXTS_PER_CALL) {
    if (clientLeft()) return undefined;
    results.push(...(await classifyEachSettled(classifier, texts.slice(start, start + TEXTS_PER_CALL))));
  }
  return results;
}
