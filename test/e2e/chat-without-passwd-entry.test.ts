import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatProcess } from '../support/chat-process.js';
import { SHIPPED_EMOTION_MODEL, tinyModelPath } from '../support/fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

/** A uid that /etc/passwd does not list, as `docker run --user 12345` and OpenShift give a process. */
const UNLISTED_ID = 4_242;

/**
 * util-linux's setpriv (Debian's util-linux is essential) starts node as that uid and gid with no groups.
 * CAP_DAC_READ_SEARCH, kept across exec as an ambient capability, lets it read the checkout wherever
 * it lies (a `mktemp -d` clone is 0700) and grants nothing else; userInfo() still finds no passwd entry.
 * no_setuid_fixup keeps access(2) (fs.existsSync, which tsx resolves imports with) from dropping that
 * capability for a non-root uid.
 */
const AS_UNLISTED_USER = [
  'setpriv',
  `--reuid=${UNLISTED_ID}`,
  `--regid=${UNLISTED_ID}`,
  '--clear-groups',
  '--securebits=+no_setuid_fixup',
  '--inh-caps=+dac_read_search',
  '--ambient-caps=+dac_read_search',
] as const;

describe('`feelbot chat` run as a user with no passwd entry', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  // Only root may start a process under another uid (CI runs as root); terminal-user-name.test.ts covers the fallback elsewhere.
  it.runIf(process.getuid?.() === 0)('talks as usual, without a crash or a stack trace', async () => {
    const chat = new ChatProcess(
      { EMOTION_MODEL: SHIPPED_EMOTION_MODEL, LLM_MODEL: tinyModelPath(), LLM_GPU: 'cpu', REDIS_URL: redis.url, HOME: '/tmp', USER: 'guest' },
      { prefix: AS_UNLISTED_USER },
    );
    chat.write('I got the job, I am so happy!\n');
    chat.end();
    expect(await chat.exitWithin(60_000), chat.output).toBe(0);
    expect(chat.stderr).not.toMatch(/UNEXPECTED|\n\s+at /);
    expect(chat.stdout, chat.output).toMatch(/^\(joy \d+%\) Joy: /);
  }, 90_000);
});
