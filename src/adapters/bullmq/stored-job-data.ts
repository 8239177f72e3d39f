/**
 * A job's data as Redis stores it (its hash's `data`), read as plain JSON rather than through the
 * job schema: a job of another version, or one edited by hand, is still read as far as its fields
 * are known, and its other fields are kept as stored.
 */

/** The stored data, or undefined when it is missing or not JSON (a hand edit, another version's writer). */
export function parsedJobData(stored: unknown): unknown {
  if (typeof stored !== 'string') return undefined;
  try {
    return JSON.parse(stored) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is an array; else none. */
export function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
