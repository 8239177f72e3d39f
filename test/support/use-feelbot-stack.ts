import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { RedisSettingsStore } from '../../src/adapters/redis/redis-settings-store.js';
import { DEFAULT_GUILD_SETTINGS } from '../../src/domain/guild-settings.js';
import type { FeelbotProcess } from './feelbot-process.js';
import { FeelbotStack } from './feelbot-stack.js';

export interface FeelbotStackSetUp {
  /** Runs on the started stack before any process starts: the settings, channels or faults they must find. */
  readonly seed?: (stack: FeelbotStack) => Promise<unknown> | unknown;
  /** Starts a `feelbot worker` with these settings over the stack's; none when absent. */
  readonly worker?: Record<string, string>;
  /** Starts a `feelbot gateway` with these settings over the stack's, after the worker; none when absent. */
  readonly gateway?: Record<string, string>;
  /** Puts the seeded guild's settings back to the defaults before each test. Defaults to false. */
  readonly freshSettings?: boolean;
}

export interface FeelbotStackForFile {
  readonly stack: FeelbotStack;
  readonly worker: FeelbotProcess;
  readonly gateway: FeelbotProcess;
  /** The guild settings the processes read, through the real Redis store. */
  readonly settings: RedisSettingsStore;
}

/**
 * A FeelbotStack for the calling describe block, seeded and with its processes started before its
 * tests, stopped after them; a failed test prints what the processes said. Read its fields inside
 * tests and hooks.
 */
export function useFeelbotStack(setUp: FeelbotStackSetUp): FeelbotStackForFile {
  let stack: FeelbotStack | undefined;
  let worker: FeelbotProcess | undefined;
  let gateway: FeelbotProcess | undefined;
  beforeAll(async () => {
    stack = await FeelbotStack.start();
    await setUp.seed?.(stack);
    if (setUp.worker) worker = await stack.spawn('worker', setUp.worker);
    if (setUp.gateway) gateway = await stack.spawn('gateway', setUp.gateway);
  });
  if (setUp.freshSettings) {
    beforeEach(async () => {
      await stack!.settingsStore().update(stack!.discord.world.guild.id, () => DEFAULT_GUILD_SETTINGS);
    });
  }
  afterEach((context) => {
    if (context.task.result?.state === 'fail' && stack) console.error(stack.outputs());
  });
  afterAll(async () => {
    await stack?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => value ?? expect.fail(`no ${what} was started for this block`);
  return {
    get stack() {
      return started(stack, 'stack');
    },
    get worker() {
      return started(worker, 'worker');
    },
    get gateway() {
      return started(gateway, 'gateway');
    },
    get settings() {
      return started(stack, 'stack').settingsStore();
    },
  };
}
