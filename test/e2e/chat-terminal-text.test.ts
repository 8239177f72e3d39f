import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLlamaFixtures, GENERATED_DIR } from '../integration/llama/fixtures.js';
import { writeScriptedGguf } from '../integration/llama/scripted-model.js';
import { ChatProcess } from '../support/chat-process.js';
import { SHIPPED_EMOTION_MODEL } from '../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

/** A reply model that writes `script` whatever it is asked (scripted-model.ts: bytes, each followed by one other). */
const scripted = (name: string, script: string) => writeScriptedGguf(ensureLlamaFixtures().model, `${GENERATED_DIR}chat-text-${name}.gguf`, script);

/** Everything a terminal acts on rather than shows: C0 and C1 controls but the newline and tab, and the bidi controls. */
const ACTS_ON_TERMINAL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

describe('what `feelbot chat` prints from the model and the persona file', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it.each([
    ['a carriage return, which would overwrite the persona label', 'cr', 'Hi.\rBad!', 'Hi.\\u{D}Bad!'],
    // The three bytes of U+202E (RIGHT-TO-LEFT OVERRIDE) in UTF-8, which would print the rest of the line reversed.
    ['a right-to-left override', 'rlo', 'Ok \xe2\x80\xaeyaj!', 'Ok \\u{202E}yaj!'],
    // U+009B (CSI, a C1 control; its two bytes in UTF-8), which starts an escape sequence as ESC [ does. The reply's cleaning drops ESC itself.
    ['an 8-bit control sequence introducer', 'csi', 'Hi \xc2\x9b2J!', 'Hi \\u{9B}2J!'],
  ])("a reply with %s reaches the terminal as a visible escape, not as the character", async (_what, name, script, shown) => {
    const chat = new ChatProcess({ EMOTION_MODEL: SHIPPED_EMOTION_MODEL, LLM_MODEL: await scripted(name, script), LLM_GPU: 'cpu', REDIS_URL: redis.url, QUEUE_PREFIX: `{text-${name}}` });
    chat.write('I got the job, I am so happy!\n');
    chat.end();
    expect(await chat.exitWithin(60_000), chat.output).toBe(0);
    expect(chat.stdout, JSON.stringify(chat.stdout)).toMatch(/^\(joy \d+%\) Joy: /);
    expect(chat.stdout, JSON.stringify(chat.stdout)).toContain(shown);
    expect(chat.stdout, JSON.stringify(chat.stdout)).not.toMatch(ACTS_ON_TERMINAL);
  }, 90_000);

  it('a persona name from PERSONAS_FILE with an escape sequence in it is printed with the escape visible', async () => {
    const personasFile = `${GENERATED_DIR}chat-text-escaped-name.json`;
    writeFileSync(personasFile, JSON.stringify({ personas: { joy: { name: 'J\u001b[31moy\u202e' } } }));
    const chat = new ChatProcess({
      EMOTION_MODEL: SHIPPED_EMOTION_MODEL,
      LLM_MODEL: await scripted('plain', 'Yes!'),
      PERSONAS_FILE: personasFile,
      LLM_GPU: 'cpu',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: '{text-name}',
    });
    chat.write('I got the job, I am so happy!\n');
    chat.end();
    expect(await chat.exitWithin(60_000), chat.output).toBe(0);
    expect(chat.stdout, JSON.stringify(chat.stdout)).toMatch(/^\(joy \d+%\) J\\u\{1B\}\[31moy\\u\{202E\}: Yes!/);
    expect(chat.stdout, JSON.stringify(chat.stdout)).not.toMatch(ACTS_ON_TERMINAL);
  }, 90_000);
});
