import { Worker, type Job, type JobJsonRaw } from 'bullmq';

/** The fields of a job's hash that BullMQ's Job.fromJSON parses as JSON, and what stands in for each that does not parse. */
const STAND_INS = { data: '{}', opts: '{}', progress: '0', parent: undefined } as const satisfies Partial<JobJsonRaw>;

type ParsedField = keyof typeof STAND_INS;

const PARSED_FIELDS: readonly ParsedField[] = ['data', 'opts', 'progress', 'parent'];

/**
 * The data of a job whose stored hash BullMQ could not read: `fields` names what is not JSON (a
 * hand edit, another version's writer). Only the names: the text itself may hold a token.
 */
export class UnreadableJob {
  constructor(readonly fields: readonly ParsedField[]) {}
}

/**
 * A BullMQ Worker that hands its processor a job it cannot read, with an UnreadableJob as its data,
 * instead of throwing while it fetches it. BullMQ would emit an 'error' without the job id and
 * leave the job active without a lock; the stalled check puts it back to wait, and the next fetch
 * throws again, forever. Taken this way, the job holds this worker's lock, so the processor can fail
 * it through BullMQ's own moveToFailed and no other worker runs it meanwhile.
 */
export class WorkerTakingUnreadableJobs extends Worker {
  protected override createJob(raw: JobJsonRaw, jobId: string): Job {
    try {
      return super.createJob(raw, jobId);
    } catch (error) {
      const fields = unreadableFields(raw);
      if (!(error instanceof SyntaxError) || fields.length === 0) throw error;
      // `defa` (fail it when next fetched: it stalled too often): its stalls came from the unreadable hash.
      const job = super.createJob({ ...withStandIns(raw, fields), defa: undefined }, jobId);
      job.data = new UnreadableJob(fields);
      return job;
    }
  }
}

/** The fields of a stored job's hash that BullMQ cannot parse; none for a readable job. */
export function unreadableFields(raw: JobJsonRaw): ParsedField[] {
  return PARSED_FIELDS.filter((field) => !parses(raw[field]));
}

/** The hash with a stand-in for each of `fields`, so BullMQ reads the rest of the job as stored. */
export function withStandIns(raw: JobJsonRaw, fields: readonly ParsedField[]): JobJsonRaw {
  return { ...raw, ...Object.fromEntries(fields.map((field) => [field, STAND_INS[field]])) };
}

/** Whether BullMQ's JSON.parse takes the field; a missing one is read as its default. */
function parses(value: string | undefined): boolean {
  if (value === undefined || value === '') return true;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}
