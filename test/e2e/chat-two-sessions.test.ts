import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLlamaFixtures, GENERATED_DIR } from '../integration/llama/fixtures.js';
import { writeScriptedGguf } from '../integration/llama/scripted-model.js';
import { ChatProcess } from '../support/chat-process.js';
import { SHIPPED_EMOTION_MODEL } from '../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

const HAPPY = 'I got the job, I am so happy!\n';
const replyCount = (chat: ChatProcess) => (chat.stdout.match(/Joy: /g) ?? []).length;

describe('two `feelbot chat` sessions on one Redis and QUEUE_PREFIX', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("each session's lines are answered by its own worker, with its own LLM_MODEL, never by the other session's", async () => {
    // Each session's reply model writes its own word, so a reply tells which session's worker wrote it.
    const env = async (word: string) => ({
      EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
      LLM_MODEL: await writeScriptedGguf(ensureLlamaFixtures().model, `${GENERATED_DIR}chat-session-${word}.gguf`, word),
      LLM_GPU: 'cpu',
      REDIS_URL: redis.url,
    });
    const a = new ChatProcess(await env('Ax!'));
    const b = new ChatProcess(await env('By!'));
    try {
      // Both workers are up and waiting for jobs once each session has answered a line.
      a.write(HAPPY);
      b.write(HAPPY);
      expect(await a.waitFor(() => replyCount(a) === 1, 90_000), a.output).toBe(true);
      expect(await b.waitFor(() => replyCount(b) === 1, 90_000), b.output).toBe(true);
      b.write(HAPPY.repeat(6));
      expect(await b.waitFor(() => replyCount(b) === 7, 90_000), b.output).toBe(true);
      const replies = b.stdout.trim().split('\n');
      expect(replies, b.output).toHaveLength(7);
      for (const reply of replies) expect(reply, b.output).toMatch(/^\(joy \d+%\) Joy: By!/);
      expect(a.stdout.trim().split('\n'), a.output).toEqual([expect.stringMatching(/^\(joy \d+%\) Joy: Ax!/)]);
    } finally {
      a.end();
      b.end();
      expect(await a.exitWithin(30_000), a.output).toBe(0);
      expect(await b.exitWithin(30_000), b.output).toBe(0);
    }
  }, 240_000);
});
