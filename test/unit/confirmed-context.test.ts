import { describe, expect, it } from 'vitest';
import { confirmedContext } from '../../src/jobs/confirmed-context.js';
import { MARKERS_TRUSTED_MS } from '../../src/jobs/long-wait.js';
import { parseMessageJob } from '../../src/jobs/message-job.js';
import type { MessageExistence, MessageLookup, MessagePage } from '../../src/ports/message-lookup.js';
import { buildMessageJob, snowflake } from '../factories.js';
import { capturedLogger } from '../support/captured-logger.js';

/** Received two hours ago: a deletion's marker may have expired while the job waited (workers down). */
const OLD_AGE_MS = 2 * 60 * 60_000;

/** Discord as the step sees it: one page of the channel's history, answered with `page`; `asked` lists each page asked for as channel/newest id. */
function discordListing(page: MessagePage, existence: MessageExistence = { state: 'exists' }): MessageLookup & { readonly asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    existence: async (channelId, messageId) => (asked.push(`exists ${channelId}/${messageId}`), existence),
    pageThrough: async (channelId, newestId) => (asked.push(`${channelId}/${newestId}`), page),
  };
}

const listing = (...messageIds: string[]): MessagePage => ({ state: 'listed', messageIds });

/** A reply job `ageMs` old quoting Bob's, Carol's and the persona's messages, oldest first. */
function oldJobQuoting(ageMs = OLD_AGE_MS) {
  const [bobs, personas, carols] = [snowflake(), snowflake(), snowflake()];
  const job = parseMessageJob(
    buildMessageJob({
      receivedAt: Date.now() - ageMs,
      context: [
        { messageId: bobs, authorName: 'Bob', authorId: snowflake(), content: 'my new address is 12 Elm Street, flat 4' },
        { messageId: personas, authorName: 'Sunny', content: 'Tell me more!', persona: 'Sunny', personaKey: 'joy' },
        { messageId: carols, authorName: 'Carol', authorId: snowflake(), content: 'that sounds rough' },
      ],
    }),
  );
  return { job, bobs, carols, personas };
}

const authorsOf = (job: { context: ReadonlyArray<{ authorName: string }> }) => job.context.map((message) => message.authorName);

describe('the context of a reply job that waited longer than the deletion markers last', () => {
  it('keeps only the messages Discord still lists, from one page ending at the newest message quoted, and logs how many it left out without their text', async () => {
    const { job, carols, personas } = oldJobQuoting();
    const discord = discordListing(listing(snowflake(), carols, personas));
    const { logger, lines } = capturedLogger();

    const confirmed = await confirmedContext(job, { messageLookup: discord, logger });

    expect(authorsOf(confirmed)).toEqual(['Sunny', 'Carol']);
    expect(discord.asked).toEqual([`${job.channelId}/${carols}`]);
    expect(lines).toEqual([expect.objectContaining({ level: 'info', dropped: 1, kept: 2 })]);
    expect(JSON.stringify(lines)).not.toContain('Elm Street');
  });

  it('is kept whole, and nothing logged, when Discord still lists every message of it', async () => {
    const { job, bobs, carols, personas } = oldJobQuoting();
    const { logger, lines } = capturedLogger();

    const confirmed = await confirmedContext(job, { messageLookup: discordListing(listing(carols, personas, bobs)), logger });

    expect(confirmed).toEqual(job);
    expect(lines).toEqual([]);
  });

  it('is left out whole when Discord gives no answer to act on (403, an outage, a timeout): a reply without context rather than one quoting a deleted message', async () => {
    const { job } = oldJobQuoting();
    const { logger, lines } = capturedLogger();
    const error = new Error('503 Service Unavailable');

    const confirmed = await confirmedContext(job, { messageLookup: discordListing({ state: 'unsure', error }), logger });

    expect({ context: confirmed.context, content: confirmed.content }).toEqual({ context: [], content: job.content });
    expect(lines).toEqual([expect.objectContaining({ level: 'info', dropped: 3, kept: 0, err: expect.objectContaining({ message: error.message }) })]);
  });

  it('is left out whole when the bot may not read the history (Discord lists nothing then)', async () => {
    const { job } = oldJobQuoting();
    const confirmed = await confirmedContext(job, { messageLookup: discordListing(listing()), logger: capturedLogger().logger });
    expect(confirmed.context).toEqual([]);
  });

  it('loses the messages further back than the page reaches, which Discord could not confirm', async () => {
    const { job, carols, personas } = oldJobQuoting();
    // The page is full before it reaches Bob's message: a hundred messages came between.
    const confirmed = await confirmedContext(job, { messageLookup: discordListing(listing(carols, personas)), logger: capturedLogger().logger });
    expect(authorsOf(confirmed)).toEqual(['Sunny', 'Carol']);
  });

  it('loses a message queued without an id (by an older gateway), which cannot be looked for', async () => {
    const carols = snowflake();
    const job = parseMessageJob(
      buildMessageJob({
        receivedAt: Date.now() - OLD_AGE_MS,
        context: [
          { authorName: 'Bob', content: 'my new address is 12 Elm Street, flat 4' },
          { messageId: carols, authorName: 'Carol', content: 'that sounds rough' },
        ],
      }),
    );
    const discord = discordListing(listing(carols));

    const confirmed = await confirmedContext(job, { messageLookup: discord, logger: capturedLogger().logger });

    expect(authorsOf(confirmed)).toEqual(['Carol']);
    expect(discord.asked).toEqual([`${job.channelId}/${carols}`]);
  });

  it('asks nothing for a job received within the markers\' time, whose deletions they still tell', async () => {
    const { job } = oldJobQuoting(MARKERS_TRUSTED_MS - 60_000);
    const discord = discordListing(listing());
    expect(await confirmedContext(job, { messageLookup: discord, logger: capturedLogger().logger })).toEqual(job);
    expect(discord.asked).toEqual([]);
  });

  it('asks nothing for an old job without context, nor for an old line of `feelbot chat`', async () => {
    const discord = discordListing(listing());
    const deps = { messageLookup: discord, logger: capturedLogger().logger };
    const alone = parseMessageJob(buildMessageJob({ receivedAt: Date.now() - OLD_AGE_MS }));
    const chat = { ...oldJobQuoting().job, origin: 'terminal' as const, guildId: null };

    expect(await confirmedContext(alone, deps)).toEqual(alone);
    expect(await confirmedContext(chat, deps)).toEqual(chat);
    expect(discord.asked).toEqual([]);
  });

  describe("in a thread started from a message, that message (in the parent channel, the thread named after it)", () => {
    /** A reply in a thread whose context opens with the thread's starter, then Carol's message in the thread. */
    function oldThreadJob() {
      const [parent, thread, carols] = [snowflake(), snowflake(), snowflake()];
      const job = parseMessageJob(
        buildMessageJob({
          receivedAt: Date.now() - OLD_AGE_MS,
          channelId: thread,
          parentId: parent,
          isThread: true,
          context: [
            { messageId: thread, authorName: 'Bob', authorId: snowflake(), content: 'who else is moving this spring?' },
            { messageId: carols, authorName: 'Carol', authorId: snowflake(), content: 'me, and I dread it' },
          ],
        }),
      );
      return { job, parent, thread, carols };
    }

    it('is kept while Discord still has it in the parent channel, asked for there', async () => {
      const { job, parent, thread, carols } = oldThreadJob();
      const discord = discordListing(listing(carols));

      const confirmed = await confirmedContext(job, { messageLookup: discord, logger: capturedLogger().logger });

      expect(authorsOf(confirmed)).toEqual(['Bob', 'Carol']);
      expect(discord.asked.sort()).toEqual([`${thread}/${carols}`, `exists ${parent}/${thread}`].sort());
    });

    it('is left out once deleted, or when Discord gives no answer on it', async () => {
      for (const existence of [{ state: 'message-gone' }, { state: 'unsure', error: new Error('503') }] as const) {
        const { job, carols } = oldThreadJob();
        const confirmed = await confirmedContext(job, { messageLookup: discordListing(listing(carols), existence), logger: capturedLogger().logger });
        expect(authorsOf(confirmed)).toEqual(['Carol']);
      }
    });

    it("alone in the context, is asked for in the parent channel as well as on the thread's page", async () => {
      const { job, parent, thread } = oldThreadJob();
      const alone = { ...job, context: job.context.slice(0, 1) };
      const discord = discordListing(listing());

      const confirmed = await confirmedContext(alone, { messageLookup: discord, logger: capturedLogger().logger });

      expect(authorsOf(confirmed)).toEqual(['Bob']);
      expect(discord.asked.sort()).toEqual([`${thread}/${thread}`, `exists ${parent}/${thread}`].sort());
    });

    it("is kept as a forum post's opening message, which has the post's id and which the post's own page lists, not the forum", async () => {
      const { job, thread, carols } = oldThreadJob();
      for (const context of [job.context, job.context.slice(0, 1)]) {
        const discord = discordListing(listing(carols, thread), { state: 'message-gone' });
        const confirmed = await confirmedContext({ ...job, context }, { messageLookup: discord, logger: capturedLogger().logger });
        expect(confirmed.context).toEqual(context);
      }
    });
  });
});
