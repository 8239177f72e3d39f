import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { inferenceError } from '../../../src/adapters/transformers/inference-error.js';
import { BODY_LIMIT_BYTES, buildServer, type ServerParts } from '../../../src/http/build-server.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../../factories.js';
import { capturedLogger } from '../../support/captured-logger.js';

/** The text the fake model cannot read: any call holding it fails for good, as a real model's call does. */
const UNREADABLE = 'a text past the graph of the model';

type JsonSchema = Record<string, unknown>;
interface DeclaredResponse {
  readonly content?: { 'application/json'?: { schema: JsonSchema } };
  readonly headers?: Record<string, { schema: JsonSchema }>;
}

/** A model that fails for good on UNREADABLE (ONNX Runtime's index error) and reads any other text. */
const partlyUnreadable: EmotionClassifier = {
  classify: async (texts) => {
    if (texts.includes(UNREADABLE)) {
      throw inferenceError('models/emotion', 512, new Error('indices element out of data bounds, idx=130 must be within the inclusive range [-128,127]'));
    }
    return texts.map(() => buildAnalysis());
  },
  dispose: async () => undefined,
};

/** A model whose every call fails as ONNX Runtime's arena does when memory runs out: a retry may mend it. */
const outOfMemory: EmotionClassifier = {
  classify: async () => {
    throw inferenceError('models/emotion', 512, new Error('Failed to allocate memory for requested buffer of size 268435456'));
  },
  dispose: async () => undefined,
};

const servers: FastifyInstance[] = [];

async function server(parts: Partial<ServerParts> = {}): Promise<FastifyInstance> {
  const app = await buildServer({ logger: capturedLogger().logger, registry: new Registry(), health: {}, classifier: () => partlyUnreadable, ...parts });
  servers.push(app);
  return app;
}

/** What the server publishes at /openapi.json for POST /v1/emotion, by status. */
async function declaredResponses(app: FastifyInstance): Promise<Record<string, DeclaredResponse>> {
  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, { post?: { responses: Record<string, DeclaredResponse> } }>;
  };
  return spec.paths['/v1/emotion']!.post!.responses;
}

/**
 * Fastify's own validator (Ajv 8, as the server's request schemas use) run on `value` against
 * `schema`: the first problem it finds, or undefined when `value` is valid.
 */
async function schemaProblem(schema: JsonSchema, value: unknown): Promise<string | undefined> {
  const checker = Fastify({ ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } } });
  checker.post('/', { schema: { body: { type: 'object', required: ['value'], properties: { value: schema } } } }, async () => 'valid');
  try {
    const response = await checker.inject({ method: 'POST', url: '/', payload: { value } });
    return response.statusCode === 200 ? undefined : (response.json() as { message: string }).message;
  } finally {
    await checker.close();
  }
}

/** The JSON body schema the published document declares for `status`; fails the test when none is. */
function bodySchemaOf(responses: Record<string, DeclaredResponse>, status: number): JsonSchema {
  const schema = responses[String(status)]?.content?.['application/json']?.schema;
  expect(schema, `no JSON body declared for ${status}`).toBeDefined();
  return schema!;
}

const failure = (code: string) => ({ error: { code, message: 'The emotion model failed to read this text.' } });

afterEach(async () => {
  await Promise.all(servers.splice(0).map((app) => app.close()));
});

describe('GET /openapi.json declares every answer of POST /v1/emotion', () => {
  it('declares each status the route sends: 200, the client errors, 422, 500 and 503', async () => {
    const responses = await declaredResponses(await server());
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '413', '415', '422', '500', '503']);
  });

  it("declares 422 with the API's error body, CLASSIFIER_FAILED, and refuses a body missing its message", async () => {
    const schema = bodySchemaOf(await declaredResponses(await server()), 422);
    expect(await schemaProblem(schema, failure('CLASSIFIER_FAILED'))).toBeUndefined();
    expect(await schemaProblem(schema, { error: { code: 'CLASSIFIER_FAILED' } })).toBeDefined();
    expect(await schemaProblem(schema, { emotion: 'joy' })).toBeDefined();
  });

  it("declares 503 with the API's error body, for each of its codes, and its Retry-After header as whole seconds", async () => {
    const responses = await declaredResponses(await server());
    const schema = bodySchemaOf(responses, 503);
    for (const code of ['CLASSIFIER_FAILED', 'BUSY', 'NOT_READY', 'SHUTTING_DOWN']) expect(await schemaProblem(schema, failure(code)), code).toBeUndefined();
    expect(await schemaProblem(schema, { error: { message: 'no code' } })).toBeDefined();
    const retryAfter = Object.entries(responses['503']!.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
    expect(retryAfter, 'Retry-After is not declared on 503').toBeDefined();
    expect(await schemaProblem(retryAfter!.schema, 5)).toBeUndefined();
    expect(await schemaProblem(retryAfter!.schema, 'soon')).toBeDefined();
  });

  it("declares a batch entry that is either an analysis or a text's CLASSIFIER_FAILED error, and nothing short of either", async () => {
    const schema = bodySchemaOf(await declaredResponses(await server()), 200);
    const withoutScores = Object.fromEntries(Object.entries(buildAnalysis()).filter(([field]) => field !== 'scores'));
    expect(await schemaProblem(schema, { results: [buildAnalysis(), failure('CLASSIFIER_FAILED')] })).toBeUndefined();
    expect(await schemaProblem(schema, { results: [{ error: { code: 'CLASSIFIER_FAILED' } }] })).toBeDefined();
    expect(await schemaProblem(schema, { results: [withoutScores] })).toBeDefined();
  });
});

describe("POST /v1/emotion's real answers come through whole and match what /openapi.json declares", () => {
  /** Sends `body` to a server built from `parts`; checks the answer's status, body and Retry-After against the published document. */
  async function answerMatchesDeclared(parts: Partial<ServerParts>, request: { payload: unknown; contentType?: string }, status: number) {
    const app = await server(parts);
    const responses = await declaredResponses(app);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/emotion',
      headers: { 'content-type': request.contentType ?? 'application/json' },
      payload: typeof request.payload === 'string' ? request.payload : JSON.stringify(request.payload),
    });
    expect(response.statusCode).toBe(status);
    const body = response.json() as unknown;
    expect(await schemaProblem(bodySchemaOf(responses, status), body)).toBeUndefined();
    const retryAfter = response.headers['retry-after'];
    if (retryAfter !== undefined) {
      const declared = Object.entries(responses[String(status)]!.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
      expect(declared, `Retry-After sent with ${status} but not declared`).toBeDefined();
      expect(await schemaProblem(declared!.schema, Number(retryAfter))).toBeUndefined();
    }
    return { body, retryAfter };
  }

  const errorOf = (code: string, message: RegExp) => ({ error: { code, message: expect.stringMatching(message) } });

  it('a lone text the model cannot read: 422 CLASSIFIER_FAILED, its message whole', async () => {
    const { body } = await answerMatchesDeclared({}, { payload: { text: UNREADABLE } }, 422);
    expect(body).toEqual(errorOf('CLASSIFIER_FAILED', /failed to read this text; sent again, it fails the same way\.$/));
  });

  it("a batch holding a text the model cannot read: 200, the others' analyses and that text's CLASSIFIER_FAILED entry, whole", async () => {
    const { body } = await answerMatchesDeclared({}, { payload: { texts: ['I am so happy', UNREADABLE, 'I am sad'] } }, 200);
    expect(body).toEqual({
      results: [buildAnalysis(), errorOf('CLASSIFIER_FAILED', /failed to read this text; sent again, it fails the same way\.$/), buildAnalysis()],
    });
  });

  it('memory running out, for one text or a batch: 503 CLASSIFIER_FAILED with Retry-After, its message whole', async () => {
    for (const payload of [{ text: 'I am so happy' }, { texts: ['I am so happy', 'I am sad'] }]) {
      const { body, retryAfter } = await answerMatchesDeclared({ classifier: () => outOfMemory }, { payload }, 503);
      expect(body).toEqual(errorOf('CLASSIFIER_FAILED', /a retry may mend.*try again in \d+ seconds\.$/));
      expect(Number(retryAfter)).toBeGreaterThan(0);
    }
  });

  it('too many texts in flight: 503 BUSY with Retry-After', async () => {
    const { body, retryAfter } = await answerMatchesDeclared({ maxTextsInFlight: 1 }, { payload: { texts: ['a', 'b'] } }, 503);
    expect(body).toEqual(errorOf('BUSY', /try again in \d+ seconds\.$/));
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('the model still loading: 503 NOT_READY', async () => {
    const { body } = await answerMatchesDeclared({ classifier: () => undefined }, { payload: { text: 'hi' } }, 503);
    expect(body).toEqual(errorOf('NOT_READY', /still loading/));
  });

  it('the client errors: 400 INVALID_REQUEST, 415 UNSUPPORTED_MEDIA_TYPE, 413 BODY_TOO_LARGE', async () => {
    expect((await answerMatchesDeclared({}, { payload: { text: '' } }, 400)).body).toEqual(errorOf('INVALID_REQUEST', /^Invalid request/));
    expect((await answerMatchesDeclared({}, { payload: '{"text":"hi"}', contentType: 'text/plain' }, 415)).body).toEqual(errorOf('UNSUPPORTED_MEDIA_TYPE', /application\/json/));
    const tooLarge = JSON.stringify({ text: 'x'.repeat(BODY_LIMIT_BYTES) });
    expect((await answerMatchesDeclared({}, { payload: tooLarge }, 413)).body).toEqual(errorOf('BODY_TOO_LARGE', /over the limit/));
  });

  it('a bug in the classifier: 500 INTERNAL', async () => {
    const broken: EmotionClassifier = { classify: async () => Promise.reject(new TypeError('a bug')), dispose: async () => undefined };
    const { body } = await answerMatchesDeclared({ classifier: () => broken }, { payload: { text: 'hi' } }, 500);
    expect(body).toEqual(errorOf('INTERNAL', /on our side/));
  });
});
