import { invalidFormBody } from './api-error.js';

/** Message flags as sent (absent is 0); a flag the endpoint does not accept is an Invalid Form Body. */
export function validFlags(flags: unknown, accepted: number): number {
  if (flags === undefined || flags === null) return 0;
  if (typeof flags !== 'number' || !Number.isInteger(flags) || flags < 0 || (flags & ~accepted) !== 0) {
    throw invalidFormBody('Invalid Form Body: flags');
  }
  return flags;
}
