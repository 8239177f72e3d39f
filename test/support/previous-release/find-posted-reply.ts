// Frozen: how the previous release finds a post that landed although it failed, `git show
// 120e196:src/adapters/discord/find-posted-reply.ts`, for the tests of a rolling upgrade: it
// matches the text the attempt kept. Changed only where it must: the imports point at today's
// modules, and the attempt is the previous release's (previous-release/redis-delivery-ledger.ts).
// Do not update it; delete it with the compatibility write in src/adapters/redis/redis-delivery-ledger.ts.
import { DiscordAPIError, Routes, type REST } from 'discord.js';
import { snowflakeAt } from '../../../src/domain/snowflake.js';
import { sameWebhookName } from '../../../src/domain/webhook-name.js';
import type { PostedReply, ReplyTarget } from '../../../src/ports/persona-replier.js';
import { asDiscordRequestError } from '../../../src/adapters/discord/discord-request-error.js';
import type { PostAttempt } from './redis-delivery-ledger.js';

/** What finding an earlier post reads of each message in the channel's history. */
interface HistoryMessage {
  id: string;
  content?: string;
  webhook_id?: string;
  author?: { username?: string };
  embeds?: Array<{ description?: string; author?: { name?: string } }>;
}

/** How far before the attempt, by this machine's clock, a post it made may be stamped by Discord's. */
const CLOCK_SKEW_MS = 60_000;
/** Discord's most messages per history page. */
const HISTORY_PAGE = 100;
/** Pages read forward from the attempt: 500 messages, more than a busy channel posts in the minutes a retry takes. */
const MAX_HISTORY_PAGES = 5;

/**
 * The reply an earlier attempt posted although it failed (a 5xx or a timeout after Discord had
 * posted), found in the channel's history from the attempt on: in guilds a webhook message with the
 * persona's name and the same text, in DMs the bot's embed. Undefined when it is not there, or when
 * the history cannot be read: then the reply is posted again. Without Read Message History Discord
 * shows an empty history, so where the job says the bot lacks it this is not asked (landedEarlier).
 */
export async function findPostedReply(rest: REST, target: ReplyTarget, attempt: PostAttempt): Promise<PostedReply | undefined> {
  const isTheReply = (message: HistoryMessage) =>
    target.guildId
      ? message.webhook_id !== undefined && sameWebhookName(message.author?.username, attempt.persona) && sameText(message.content, attempt.content)
      : sameWebhookName(message.embeds?.[0]?.author?.name, attempt.persona) && sameText(message.embeds?.[0]?.description, attempt.content);
  // Discord answers `after` with the oldest messages after it, newest first: read forward page by page.
  let after = snowflakeAt(attempt.startedAt - CLOCK_SKEW_MS);
  for (let page = 0; page < MAX_HISTORY_PAGES; page += 1) {
    const history = await historyAfter(rest, target.channelId, after);
    if (history === undefined) return undefined;
    const landed = history.find(isTheReply);
    if (landed) return { messageId: landed.id };
    if (history.length < HISTORY_PAGE) return undefined;
    after = history.reduce((newest, message) => (BigInt(message.id) > BigInt(newest) ? message.id : newest), after);
  }
  return undefined;
}

/** Texts as Discord keeps them: without leading or trailing whitespace. */
function sameText(shown: string | undefined, sent: string): boolean {
  return shown !== undefined && shown.trim() === sent.trim();
}

/** A page of the channel's history after `after`; undefined when Discord will not show it. */
async function historyAfter(rest: REST, channelId: string, after: string): Promise<HistoryMessage[] | undefined> {
  const query = new URLSearchParams({ after, limit: String(HISTORY_PAGE) });
  try {
    return (await rest.get(Routes.channelMessages(channelId), { query })) as HistoryMessage[];
  } catch (error) {
    // No View Channel, or the channel is gone: nothing can be found, so the reply is posted again.
    if (error instanceof DiscordAPIError && error.status < 500) return undefined;
    throw asDiscordRequestError(error, `the history of <#${channelId}>`);
  }
}
