import type { AnalysisJob } from '../jobs/analysis-job.js';
import type { MessageJob, MessageText, ParsedMessageJob } from '../jobs/message-job.js';

/**
 * The gateway's side of the reply queue: what it queues (bursts debounced, `/feel` analyses), and
 * what a deletion takes back. Every operation is safe to repeat after a try Redis ran but never
 * answered, since the gateway retries its steps while Redis is down.
 */
export interface ReplyQueue {
  /** Queues a burst's latest state, replacing its delayed job; returns the id of the job that holds the message. */
  enqueueDebounced(job: MessageJob, burstId: string, windowMs: number): Promise<string>;
  /**
   * Queues the rest of a withdrawn job again under its burst's id, unless a job already holds that
   * id: that one was queued from the burst after the deletion, so it carries the rest (and newer
   * messages). Returns the id of the job that holds the rest.
   */
  enqueueRest(job: MessageJob, burstId: string, windowMs: number): Promise<string>;
  /** Queues a `/feel` analysis ahead of the replies waiting. */
  enqueueAnalysis(job: AnalysisJob): Promise<string>;
  /** True when this interaction's analysis is queued (or being answered). */
  hasAnalysis(interactionId: string): Promise<boolean>;
  /** The job that holds this message's text, while that job is in Redis (however long it waits), and up to two hours after. */
  carrierOf(messageId: string): Promise<string | undefined>;
  /**
   * Puts an edited message's new text (as shown and as sent) into its carrier job, while that job
   * still waits; returns the job's id, or undefined when it no longer waits.
   */
  revise(jobId: string, messageId: string, text: MessageText): Promise<string | undefined>;
  /**
   * Removes the waiting jobs that carry these (deleted) messages' text, however long they have
   * waited; each with what is left of it to answer.
   */
  withdraw(messageIds: readonly string[]): Promise<WithdrawnJob[]>;
  /**
   * Takes these (deleted) messages out of the context of the other reply jobs that quote them,
   * waiting (however long), under way or finished and kept; returns those jobs' ids.
   */
  unquote(messageIds: readonly string[]): Promise<string[]>;
  /** The rest of a withdrawn job has been queued again (or needs no reply): its kept copy goes. */
  settle(withdrawnJobId: string): Promise<void>;
}

export interface WithdrawnJob {
  readonly jobId: string;
  /**
   * What the job carried that was not deleted (the rest of its burst), still to be answered; undefined
   * when nothing is left, when it had already been answered or failed for good (only its text was
   * still here), or when its data no longer parses (a job of another version).
   */
  readonly rest: ParsedMessageJob | undefined;
  /**
   * The author's burst the job answered, whose deleted messages must leave it too. Undefined when
   * the job was finished or does not parse.
   */
  readonly burst: WithdrawnBurst | undefined;
}

export interface WithdrawnBurst {
  /**
   * The burst id the job was queued under (enqueueDebounced's `burstId`), which its rest keeps when
   * the burst is no longer open. Not read from the job's messages: the one that opened the burst may
   * have been deleted earlier, or dropped from a burst longer than MAX_BURST_MESSAGES. Undefined for
   * a withdrawal kept by an older version.
   */
  readonly queuedUnder: string | undefined;
  readonly channelId: string;
  readonly authorId: string;
}
