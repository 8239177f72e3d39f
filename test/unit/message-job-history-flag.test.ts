import { describe, expect, it } from 'vitest';
import { parseMessageJob } from '../../src/jobs/message-job.js';
import { buildMessageJob } from '../factories.js';

describe("a message job says whether the bot may read its channel's history", () => {
  it('a job from the gateway keeps what it knew: may, or may not', () => {
    expect(parseMessageJob(buildMessageJob({ readsHistory: false })).readsHistory).toBe(false);
    expect(parseMessageJob(buildMessageJob({ readsHistory: true })).readsHistory).toBe(true);
  });

  it('a job from an older gateway, without the field, still parses, and the answer stays unknown', () => {
    const { readsHistory: _, ...older } = buildMessageJob();
    expect(parseMessageJob(older).readsHistory).toBeUndefined();
  });
});
