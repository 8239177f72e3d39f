import { Writable } from 'node:stream';
import { createLogger } from '../../src/adapters/logging/pino-logger.js';
import type { Logger } from '../../src/ports/logger.js';

/** A real pino logger whose JSON lines land in `lines`, so a test can read what was logged. */
export function capturedLogger(level: 'debug' | 'info' | 'warn' = 'info'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(level, 'test', sink), lines };
}
