import { describe, expect, it } from 'vitest';
import type { Setup } from './privileged.js';

/**
 * Set to 1 where the tests needing root or password-less sudo must run (a runner known to have
 * either): their skip then fails. Defaults to a skip with a warning that says why.
 */
const REQUIRED = process.env.FEELBOT_REQUIRE_PRIVILEGED === '1';

/** The title a skipped test runs under, after a warning: both say why it did not run. */
function skippedTitle(title: string, unavailable: string): string {
  console.warn(`feelbot tests: SKIPPED "${title}": ${unavailable} (FEELBOT_REQUIRE_PRIVILEGED=1 makes this a failure)`);
  return `${title} [SKIPPED: ${unavailable}]`;
}

function failure(unavailable: string): never {
  expect.fail(`FEELBOT_REQUIRE_PRIVILEGED=1, and this machine cannot make what the test needs: ${unavailable}`);
}

/** A describe whose tests need `setup`: run with what it made, or skipped loudly (failed under FEELBOT_REQUIRE_PRIVILEGED) when it could not be made. */
export function describePrivileged<T>(title: string, setup: Setup<T>, body: (made: T) => void): void {
  if (setup.unavailable === undefined) describe(title, () => body(setup.made));
  else if (REQUIRED) describe(title, () => it('can be set up', () => failure(setup.unavailable)));
  // A describe with no test would fail its file as empty: one skipped test stands for the lot.
  else describe.skip(skippedTitle(title, setup.unavailable), () => it('needs what could not be set up', () => {}));
}

/** One test that needs `setup`, as describePrivileged. */
export function itPrivileged<T>(title: string, setup: Setup<T>, test: (made: T) => Promise<void> | void, timeout?: number): void {
  if (setup.unavailable === undefined) it(title, () => test(setup.made), timeout);
  else if (REQUIRED) it(title, () => failure(setup.unavailable));
  else it.skip(skippedTitle(title, setup.unavailable), () => {});
}
