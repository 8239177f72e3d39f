import { brotliCompressSync, gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../../factories.js';
import { useCleanups } from '../../support/cleanups.js';
import { closedPort } from '../../support/closed-port.js';
import { serveHttp } from '../../support/served-http.js';

const BODY = '{"text":"I am so happy today!"}';

describe('a request body sent with a Content-Encoding (the API decodes none)', () => {
  const cleanups = useCleanups();
  let base: string;
  let analysed: string[];
  const classifier: EmotionClassifier = { classify: async (texts) => (analysed.push(...texts), texts.map(() => buildAnalysis())), dispose: async () => undefined };

  beforeEach(async () => {
    analysed = [];
    // The analysis API serves without Redis.
    base = await serveHttp(cleanups, `redis://127.0.0.1:${await closedPort()}`, { classifier: () => classifier, servesWithoutRedis: true });
  });

  async function post(body: Buffer | string, encoding: string): Promise<{ status: number; acceptEncoding: string | null; body: unknown }> {
    const response = await fetch(`${base}/v1/emotion`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body });
    return { status: response.status, acceptEncoding: response.headers.get('accept-encoding'), body: await response.json() };
  }

  const refused = (encoding: string) => ({
    status: 415,
    // RFC 9110 15.5.16: a 415 for a content coding says which codings are accepted.
    acceptEncoding: 'identity',
    body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining(`Content-Encoding "${encoding}"`) } },
  });

  it('gzip is 415 UNSUPPORTED_MEDIA_TYPE saying to send it uncompressed, not 400 "the body is not valid UTF-8"', async () => {
    expect(await post(gzipSync(BODY), 'gzip')).toEqual(refused('gzip'));
    expect(analysed).toEqual([]);
  });

  it('br over a body that is not compressed at all is refused too, not analysed as if the header were absent', async () => {
    expect(await post(BODY, 'br')).toEqual(refused('br'));
    expect(await post(brotliCompressSync(BODY), 'br')).toEqual(refused('br'));
    expect(await post(BODY, 'gzip, identity')).toEqual(refused('gzip, identity'));
    expect(analysed).toEqual([]);
  });

  it('a path no route serves is 404 and a method it does not serve 405, as without the header, whatever the body: no route reads it', async () => {
    const unmatched = await fetch(`${base}/v1/no-such-route`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(BODY) });
    expect({ status: unmatched.status, body: await unmatched.json() }).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: expect.any(String) } } });
    const wrongMethod = await fetch(`${base}/v1/emotion`, { method: 'PUT', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(BODY) });
    expect({ status: wrongMethod.status, allow: wrongMethod.headers.get('allow') }).toEqual({ status: 405, allow: 'POST' });
    // Nor is a body no route reads judged as JSON there.
    const notJson = await fetch(`${base}/v1/no-such-route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":' });
    expect(notJson.status).toBe(404);
    expect(analysed).toEqual([]);
  });

  it('identity, the coding that changes nothing, is read as a body with no Content-Encoding', async () => {
    for (const encoding of ['identity', 'Identity']) {
      const answer = await post(BODY, encoding);
      expect(answer.status, encoding).toBe(200);
      expect(answer.body, encoding).toEqual(buildAnalysis());
    }
    expect(analysed).toEqual(['I am so happy today!', 'I am so happy today!']);
  });
});
