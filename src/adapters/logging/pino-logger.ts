import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../../ports/logger.js';
import { redactSecrets } from './redact-secrets.js';

/** Paths that may hold a secret in anything feelbot logs; pino replaces their values. */
const REDACTED_PATHS = [
  'token',
  '*.token',
  'config.discord.token',
  'headers.authorization',
  '*.headers.authorization',
  'webhook.token',
  'err.requestBody',
  'err.url',
];

/** Structured JSON logs with secrets redacted by path and, for free text, by pattern. */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg)) as typeof args);
        },
      },
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: (error: unknown) => serializeError(error) },
    },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack'] as const) {
    if (typeof serialized[key] === 'string') serialized[key] = redactSecrets(serialized[key]);
  }
  return serialized;
}
