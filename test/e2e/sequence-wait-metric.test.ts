import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { freePort } from '../support/redis-server.js';

/** Far more than one mention's reply and one /feel take on the tiny model. */
const ANSWERED_WITHIN_MS = 30_000;

describe("a separate worker's sequence wait on METRICS_PORT", () => {
  let stack: FeelbotStack;
  let metricsPort: number;

  beforeAll(async () => {
    stack = await FeelbotStack.start();
    metricsPort = await freePort();
    await stack.spawn('worker', { METRICS_PORT: String(metricsPort) });
    await stack.spawn('gateway');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** The worker's /metrics once both a chat reply and a /feel persona line have been generated. */
  async function scrapeAfterBothKinds(): Promise<string> {
    const deadline = Date.now() + ANSWERED_WITHIN_MS;
    for (;;) {
      const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      if (/^feelbot_generated_tokens_total\{kind="reply"\} [1-9]/m.test(scrape) && /^feelbot_generated_tokens_total\{kind="feel"\} [1-9]/m.test(scrape)) return scrape;
      if (Date.now() > deadline) throw new Error(`no reply and /feel line generated within ${ANSWERED_WITHIN_MS} ms\n${stack.outputs()}`);
      await sleep(200);
    }
  }

  it('a chat reply and a /feel persona line each count their wait for a sequence, under their own kind', async () => {
    stack.mention('I finally got the job, I am so happy!');
    stack.feel('I got the job, I am so happy!');
    const scrape = await scrapeAfterBothKinds();
    expect(scrape).toMatch(/^feelbot_generation_sequence_wait_seconds_count\{kind="reply"\} [1-9]/m);
    expect(scrape).toMatch(/^feelbot_generation_sequence_wait_seconds_count\{kind="feel"\} [1-9]/m);
  });
});
