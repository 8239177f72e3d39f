import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Logger } from '../../ports/logger.js';
import { redactSecrets, redactSecretsIn } from './redact-secrets.js';
import { serializeError, serializeErrorsIn } from './serialize-error.js';

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

/** Structured JSON logs with secrets redacted by path and, in every string of a line, by pattern. */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  const logger = pino(
    {
      name,
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map(cleanArgument) as typeof args);
        },
      },
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: (error: unknown) => serializeError(error) },
    },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
  return withCleanBindings(logger);
}

/**
 * pino writes a child's bindings out once, when the child is made, past the logMethod hook: they
 * are cleaned there instead. Set on the root, the override is inherited by every child and grandchild.
 */
function withCleanBindings(logger: PinoLogger): PinoLogger {
  const child = logger.child;
  logger.child = function cleanChild(this: PinoLogger, bindings, options) {
    return child.call(this, cleanArgument(bindings) as typeof bindings, options);
  } as typeof logger.child;
  return logger;
}

/**
 * Free text loses its token patterns, in the message and in any field (a prompt logged at debug
 * quotes whatever people pasted in chat); an error logged under any key but `err` is serialised here.
 */
function cleanArgument(arg: unknown): unknown {
  if (typeof arg === 'string') return redactSecrets(arg);
  // A bare error becomes { err } in pino, and so meets the err serializer.
  if (arg instanceof Error || arg === null || typeof arg !== 'object') return arg;
  return redactSecretsIn(serializeErrorsIn(arg as Record<string, unknown>));
}
