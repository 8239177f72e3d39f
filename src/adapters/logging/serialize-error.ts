import { pino } from 'pino';
import { MAX_FIELD_DEPTH, redactSecrets } from './redact-secrets.js';

/**
 * Fields that may hold a secret whatever the error: discord.js's DiscordAPIError and HTTPError
 * keep the request URL (a webhook's or interaction's token sits in its path) and its body; a
 * RateLimitError's `majorParameter` is `<webhook id>/<token>` on webhook routes.
 */
const SECRET_FIELDS = new Set(['url', 'requestBody', 'majorParameter']);
/**
 * ioredis's errors keep the command Redis refused with every argument it was sent (a job's data
 * with an interaction token and the user's text, a cached webhook with its token, AUTH's password):
 * only the command's name is logged.
 */
const COMMAND_FIELD = 'command';
/** Errors nest (cause, AggregateError, an error kept in a field); deeper than this is cut, not walked. */
const MAX_ERROR_DEPTH = 8;

/**
 * An error as a plain object for the logs, in pino's standard shape (type, message with its
 * causes' messages, stack with its causes' stacks, own fields), with every error nested in it
 * serialised the same way and no secret left in any of them: no URL or request body, and token
 * patterns redacted from every string.
 */
export function serializeError(error: unknown): unknown {
  return scrub(error, 0, new WeakSet());
}

/**
 * A log line's fields with every error in them serialised by serializeError, under whatever key
 * (`{ error }`, `{ details: { cause } }`). `err` is left to pino, whose serializer for it is
 * serializeError.
 */
export function serializeErrorsIn(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (depth === 0 && key === 'err') continue;
    const serialized = withErrorsSerialized(value, depth);
    if (serialized !== value) (out ??= { ...fields })[key] = serialized;
  }
  return out ?? fields;
}

function withErrorsSerialized(value: unknown, depth: number): unknown {
  if (value instanceof Error) return serializeError(value);
  if (depth >= MAX_FIELD_DEPTH) return value;
  // As deep as strings are redacted (MAX_FIELD_DEPTH), through arrays of objects too: an error left
  // whole there would be logged by pino with its request URL and body.
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => withErrorsSerialized(item, depth + 1));
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  return isPlainObject(value) ? serializeErrorsIn(value, depth + 1) : value;
}

function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_ERROR_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  const fields = (value instanceof Error ? pino.stdSerializers.err(value) : value) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // for…in, not Object.entries: pino's serialised error keeps type, message and stack on its prototype.
  for (const key in fields) {
    if (SECRET_FIELDS.has(key)) continue;
    out[key] = key === COMMAND_FIELD ? commandName(fields[key]) : scrub(fields[key], depth + 1, seen);
  }
  return out;
}

function commandName(command: unknown): unknown {
  if (typeof command === 'string') return redactSecrets(command);
  const name = (command as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? { name } : '[command]';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
