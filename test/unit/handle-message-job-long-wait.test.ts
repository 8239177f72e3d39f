import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { handleMessageJob, type MessageJobDeps } from '../../src/jobs/handle-message-job.js';
import { NO_DELETIONS } from '../../src/ports/deleted-messages.js';
import type { MessageExistence, MessageLookup } from '../../src/ports/message-lookup.js';
import type { PersonaReply } from '../../src/ports/persona-replier.js';
import { buildAnalysis, buildMessageJob, buildMessageJobDeps, inMemoryChannelBlocks, snowflake } from '../factories.js';

const MINUTE_MS = 60_000;
/** Received within the hour the gateway's deletion markers last, with the margin to spare: the markers are trusted. */
const FRESH_AGE_MS = 50 * MINUTE_MS;
/** Received two hours ago: a deletion's marker may have expired while the job waited (workers down). */
const OLD_AGE_MS = 120 * MINUTE_MS;

const receivedAgo = (ageMs: number) => Date.now() - ageMs;

/**
 * Discord as the lookup sees it: what it says of each message id (`exists` for the rest), and the
 * messages a page of the channel lists (`listed`); `asked` lists each question as channel/message,
 * `pages` each page asked for as channel/newest id.
 */
function discordSaying(answers: Readonly<Record<string, MessageExistence>> = {}, listed: readonly string[] = []): MessageLookup & { readonly asked: string[]; readonly pages: string[] } {
  const asked: string[] = [];
  const pages: string[] = [];
  return {
    asked,
    pages,
    existence: async (channelId, messageId) => (asked.push(`${channelId}/${messageId}`), answers[messageId] ?? { state: 'exists' }),
    pageThrough: async (channelId, newestId) => (pages.push(`${channelId}/${newestId}`), { state: 'listed', messageIds: listed }),
  };
}

/** The use case on in-memory ports with `messageLookup`; counts what was classified and written (each prompt kept), and collects what was posted. */
function depsAsking(messageLookup: MessageLookup, overrides: Partial<MessageJobDeps> = {}) {
  const counts = { classified: [] as string[], generated: 0 };
  const prompts: unknown[] = [];
  const posted: PersonaReply[] = [];
  const deps = buildMessageJobDeps({
    messageLookup,
    classifier: { classify: async (texts) => (counts.classified.push(...texts), texts.map(() => buildAnalysis())), dispose: async () => undefined },
    generator: {
      parallelism: 1,
      generate: async (request) => ((counts.generated += 1), prompts.push(request.prompt), { text: 'How wonderful!', tokens: 3, truncated: false, firstTokenMs: 1, totalMs: 2 }),
      dispose: async () => undefined,
    },
    replier: { post: async (reply) => (posted.push(reply), { messageId: snowflake() }), findPosted: async () => undefined },
    ...overrides,
  });
  return { deps, counts, posted, prompts };
}

describe('a reply job that waited longer than the deletion markers last', () => {
  it('whose message Discord no longer has (Unknown Message) is skipped as deleted, with nothing classified or written', async () => {
    const job = buildMessageJob({ receivedAt: receivedAgo(OLD_AGE_MS) });
    const discord = discordSaying({ [job.messageId]: { state: 'message-gone' } });
    const { deps, counts, posted } = depsAsking(discord);

    expect(await handleMessageJob(job, deps)).toEqual({ status: 'skipped', reason: 'deleted' });
    expect({ asked: discord.asked, ...counts, posted }).toEqual({ asked: [`${job.channelId}/${job.messageId}`], classified: [], generated: 0, posted: [] });
  });

  it('whose thread or channel Discord no longer has (Unknown Channel) is skipped as channel-deleted and the place blocked, so its other old jobs skip without asking', async () => {
    const blocks = inMemoryChannelBlocks();
    const thread = '1100000000000000005';
    const inThread = (messageId: string) => buildMessageJob({ messageId, isThread: true, channelId: thread, parentId: '1100000000000000002', receivedAt: receivedAgo(OLD_AGE_MS) });
    const [first, second] = [snowflake(), snowflake()];
    const discord = discordSaying({ [first]: { state: 'channel-gone' }, [second]: { state: 'channel-gone' } });
    const { deps, counts, posted } = depsAsking(discord, { blocks });

    expect(await handleMessageJob(inThread(first), deps)).toEqual({ status: 'skipped', reason: 'channel-deleted' });
    expect(await handleMessageJob(inThread(second), deps)).toEqual({ status: 'skipped', reason: 'channel-deleted' });
    expect([...blocks.codes]).toEqual([[thread, ErrorCodes.ChannelDeleted]]);
    expect({ asked: discord.asked, ...counts, posted }).toEqual({ asked: [`${thread}/${first}`], classified: [], generated: 0, posted: [] });
  });

  it('whose message Discord still has is written and posted as before, after one question', async () => {
    const job = buildMessageJob({ receivedAt: receivedAgo(OLD_AGE_MS) });
    const discord = discordSaying();
    const { deps, counts, posted } = depsAsking(discord);

    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'posted' });
    expect({ asked: discord.asked.length, generated: counts.generated, posted: posted.length }).toEqual({ asked: 1, generated: 1, posted: 1 });
  });

  it('is answered as before when Discord gives no answer to act on (403 without Read Message History, a 5xx, a timeout), and nothing is blocked', async () => {
    const blocks = inMemoryChannelBlocks();
    const job = buildMessageJob({ receivedAt: receivedAgo(OLD_AGE_MS) });
    const discord = discordSaying({ [job.messageId]: { state: 'unsure', error: new Error('403 Missing Access') } });
    const { deps, counts, posted } = depsAsking(discord, { blocks });

    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'posted' });
    expect({ asked: discord.asked.length, generated: counts.generated, posted: posted.length, blocks: blocks.codes.size }).toEqual({ asked: 1, generated: 1, posted: 1, blocks: 0 });
  });

  it('in a DM, whose message was deleted, is skipped as deleted; a DM Discord no longer has is skipped as channel-deleted and blocks nothing', async () => {
    const blocks = inMemoryChannelBlocks();
    const deletedDm = buildMessageJob({ guildId: null, receivedAt: receivedAgo(OLD_AGE_MS) });
    const goneDm = buildMessageJob({ guildId: null, channelId: '1100000000000000077', receivedAt: receivedAgo(OLD_AGE_MS) });
    const discord = discordSaying({ [deletedDm.messageId]: { state: 'message-gone' }, [goneDm.messageId]: { state: 'channel-gone' } });
    const { deps, counts, posted } = depsAsking(discord, { blocks });

    expect(await handleMessageJob(deletedDm, deps)).toEqual({ status: 'skipped', reason: 'deleted' });
    expect(await handleMessageJob(goneDm, deps)).toEqual({ status: 'skipped', reason: 'channel-deleted' });
    expect({ asked: discord.asked.length, generated: counts.generated, posted, blocks: blocks.codes.size }).toEqual({ asked: 2, generated: 0, posted: [], blocks: 0 });
  });

  it('in a burst, the messages Discord no longer has leave it and the rest is answered without their text; one the markers already know is not asked about', async () => {
    const [marked, regretted, kept] = [snowflake(), snowflake(), snowflake()];
    const job = buildMessageJob({
      messageId: kept,
      content: 'you are all idiots\nmy address is 12 Elm Street\nanyway, I got the job!',
      burst: [marked, regretted],
      parts: [
        { messageId: marked, content: 'you are all idiots', addressed: false },
        { messageId: regretted, content: 'my address is 12 Elm Street', addressed: false },
        { messageId: kept, content: 'anyway, I got the job!', addressed: true },
      ],
      receivedAt: receivedAgo(OLD_AGE_MS),
    });
    const discord = discordSaying({ [regretted]: { state: 'message-gone' } });
    const { deps, counts, posted } = depsAsking(discord, { deleted: { ...NO_DELETIONS, deletedAmong: async (ids) => ids.filter((id) => id === marked) } });

    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'posted' });
    expect(posted.map((reply) => reply.nonce)).toEqual([kept]);
    expect(counts.classified).toEqual(['anyway, I got the job!']);
    expect([...discord.asked].sort()).toEqual([`${job.channelId}/${kept}`, `${job.channelId}/${regretted}`].sort());
  });
});

describe('the context of a reply job that waited longer than the deletion markers last', () => {
  it("loses another member's message Discord no longer lists, after one page asked for, and the reply is written without it", async () => {
    const [bobs, carols] = [snowflake(), snowflake()];
    const job = buildMessageJob({
      receivedAt: receivedAgo(OLD_AGE_MS),
      context: [
        { messageId: bobs, authorName: 'Bob', authorId: snowflake(), content: 'my new address is 12 Elm Street, flat 4' },
        { messageId: carols, authorName: 'Carol', authorId: snowflake(), content: 'the weather turned nice' },
      ],
    });
    const discord = discordSaying({}, [carols]);
    const { deps, counts, posted, prompts } = depsAsking(discord);

    expect(await handleMessageJob(job, deps)).toMatchObject({ status: 'posted' });
    expect({ pages: discord.pages, generated: counts.generated, posted: posted.length }).toEqual({ pages: [`${job.channelId}/${carols}`], generated: 1, posted: 1 });
    expect(JSON.stringify(prompts)).toContain('the weather turned nice');
    expect(JSON.stringify(prompts)).not.toContain('12 Elm Street');
  });

  it('is not asked about when the reply is skipped before it is written', async () => {
    const job = buildMessageJob({ receivedAt: receivedAgo(OLD_AGE_MS), context: [{ messageId: snowflake(), authorName: 'Bob', content: 'hi all' }] });
    const discord = discordSaying({ [job.messageId]: { state: 'message-gone' } });
    const { deps } = depsAsking(discord);

    expect(await handleMessageJob(job, deps)).toEqual({ status: 'skipped', reason: 'deleted' });
    expect(discord.pages).toEqual([]);
  });
});

describe('a reply job received within the time the deletion markers last', () => {
  it('asks Discord nothing: a fresh job, the normal case, costs no request', async () => {
    const discord = discordSaying();
    const { deps, posted } = depsAsking(discord);
    for (const ageMs of [0, FRESH_AGE_MS]) {
      expect(await handleMessageJob(buildMessageJob({ receivedAt: receivedAgo(ageMs) }), deps)).toMatchObject({ status: 'posted' });
    }
    expect({ asked: discord.asked, posted: posted.length }).toEqual({ asked: [], posted: 2 });
  });

  it('nor does an old line of `feelbot chat`, which is never deleted behind the bot', async () => {
    const discord = discordSaying();
    const { deps, posted } = depsAsking(discord);
    expect(await handleMessageJob(buildMessageJob({ origin: 'terminal', guildId: null, receivedAt: receivedAgo(OLD_AGE_MS) }), deps)).toMatchObject({ status: 'posted' });
    expect({ asked: discord.asked, posted: posted.length }).toEqual({ asked: [], posted: 1 });
  });
});
