import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatProcess } from '../support/chat-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

/** A uid that /etc/passwd does not list, as `docker run --user 12345` and OpenShift give a process. */
const UNLISTED_ID = 4_242;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Whether a user other than the owner may reach `path` (every folder above it searchable by others), so a process of that uid can load the project. */
function othersCanReach(path: string): boolean {
  for (let folder = path; ; folder = dirname(folder)) {
    if ((statSync(folder).mode & 0o001) === 0) return false;
    if (dirname(folder) === folder) return true;
  }
}

describe('`feelbot chat` run as a user with no passwd entry', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  // Only root may start a process under another uid, and that uid must reach the project: a checkout
  // under a private folder (mktemp -d's 0700) cannot be loaded by it; terminal-user-name.test.ts covers the fallback there.
  it.runIf(process.getuid?.() === 0 && othersCanReach(ROOT))('talks as usual, without a crash or a stack trace', async () => {
    const chat = new ChatProcess(
      { EMOTION_MODEL: SHIPPED_EMOTION_MODEL, LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu', REDIS_URL: redis.url, HOME: '/tmp', USER: 'guest' },
      { uid: UNLISTED_ID, gid: UNLISTED_ID },
    );
    chat.write('I got the job, I am so happy!\n');
    chat.end();
    expect(await chat.exitWithin(60_000), chat.output).toBe(0);
    expect(chat.stderr).not.toMatch(/UNEXPECTED|\n\s+at /);
    expect(chat.stdout, chat.output).toMatch(/^\(joy \d+%\) Joy: /);
  }, 90_000);
});
