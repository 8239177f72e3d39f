/**
 * BullMQ serves lower numbers first, and a job with no priority (0) before every prioritized one,
 * so each kind of job on the shared queue names its priority: an explicit `/feel` request, whose
 * interaction token lasts 15 minutes, goes ahead of the ambient chat replies waiting in the queue.
 */
export const JobPriority = {
  analysis: 1,
  reply: 10,
} as const;
