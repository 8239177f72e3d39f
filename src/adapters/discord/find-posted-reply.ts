import { DiscordAPIError, Routes, type REST } from 'discord.js';
import { replyDigest } from '../../domain/reply-digest.js';
import { snowflakeAt } from '../../domain/snowflake.js';
import { sameWebhookName } from '../../domain/webhook-name.js';
import type { PostAttempt } from '../../ports/delivery-ledger.js';
import type { PostedReply, ReplyTarget } from '../../ports/persona-replier.js';
import { asDiscordRequestError } from './discord-request-error.js';

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
 * persona's name and the same text, in DMs the bot's embed; never one of `attempt.besides` (other
 * jobs' replies of the same words). Undefined when it is not there, or when the history cannot be
 * read: then the reply is posted again. Without Read Message History Discord shows an empty
 * history, so where the job says the bot lacks it this is not asked (landedEarlier).
 */
export async function findPostedReply(rest: REST, target: ReplyTarget, attempt: PostAttempt): Promise<PostedReply | undefined> {
  const isTheReply = (message: HistoryMessage) =>
    !attempt.besides?.includes(message.id) &&
    (target.guildId
      ? message.webhook_id !== undefined && sameWebhookName(message.author?.username, attempt.persona) && sameText(message.content, attempt.digest)
      : sameWebhookName(message.embeds?.[0]?.author?.name, attempt.persona) && sameText(message.embeds?.[0]?.description, attempt.digest));
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

/** The text shown is the one sent, as Discord keeps it (replyDigest trims it): only its digest was kept. */
function sameText(shown: string | undefined, sentDigest: string): boolean {
  return shown !== undefined && replyDigest(shown) === sentDigest;
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
