import type { z } from 'zod';
import { ErrorCodes, FeelbotError } from '../errors.js';

/** Checks a job against its schema; a malformed one is a permanent JOB_INVALID naming each problem. */
export function parseJob<S extends z.ZodType>(schema: S, data: unknown, kind: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new FeelbotError(ErrorCodes.JobInvalid, `Malformed ${kind} job: ${problems.join('; ')}`, {
    permanent: true,
    details: { problems },
  });
}
