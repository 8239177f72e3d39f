import { DiscordAPIError, type Guild, type Message } from 'discord.js';

/** How long a job's context waits for its speakers' members; a reply is never held up longer for names. */
export const MEMBER_FETCH_TIMEOUT_MS = 2_000;
/** How long a speaker Discord called no member (left: 404) or refused (403) is not asked for again. */
const NOT_FETCHABLE_MS = 10 * 60_000;
/** The most such speakers remembered per guild; the longest remembered go first. */
const MAX_NOT_FETCHABLE = 1_000;

interface GuildLookups {
  /** User id → when it may be asked for again. */
  readonly notFetchable: Map<string, number>;
  /** One request per member at a time, whichever jobs wait for it. */
  readonly pending: Map<string, Promise<void>>;
}

/** Kept with the guild object discord.js holds while the bot is in the guild, and gone with it. */
const lookups = new WeakMap<Guild, GuildLookups>();

/**
 * Caches the members of these messages' authors, then of the people they mention, so that each
 * reads under the name the server shows (a nickname), as the author of a message and as `@name`
 * in its text (discord.js's cleanContent reads the member cache). Without the Guild Members intent a member is cached only once a message of
 * theirs came over the gateway: Discord puts `member` on MESSAGE_CREATE and MESSAGE_UPDATE only, never
 * on a message read over REST (history, a reply's reference). The authors not cached are asked for one
 * by one, in the messages' order (every author before anyone mentioned), at most `max` of them: GET /guilds/{id}/members/{user} takes no
 * privileged intent (the gateway's Request Guild Members, discord.js's `fetch({ user: [...] })`, is
 * rate limited per guild and answers over the gateway). Waits at most `timeoutMs` in all; an author not
 * fetched by then (left, refused, slow) keeps their global name, and a late answer is cached for the next job.
 */
export async function cacheContextMembers(guild: Guild | null, messages: readonly Message[], max: number, timeoutMs = MEMBER_FETCH_TIMEOUT_MS): Promise<void> {
  if (!guild) return;
  const state = lookupsOf(guild);
  const now = Date.now();
  const wanted = new Set<string>();
  // A webhook's post (a persona's) has no member; its author is no user of the guild.
  const authors = messages.filter((message) => !message.webhookId).map((message) => message.author.id);
  const mentioned = messages.flatMap((message) => [...message.mentions.users.keys()]);
  for (const userId of [...authors, ...mentioned]) {
    if (wanted.size === max) break;
    if (guild.members.cache.has(userId) || (state.notFetchable.get(userId) ?? 0) > now) continue;
    wanted.add(userId);
  }
  if (wanted.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([Promise.all([...wanted].map((userId) => fetchOnce(guild, state, userId))), timedOut]);
  clearTimeout(timer);
}

function lookupsOf(guild: Guild): GuildLookups {
  let state = lookups.get(guild);
  if (!state) lookups.set(guild, (state = { notFetchable: new Map(), pending: new Map() }));
  return state;
}

/** Never rejects: a failure leaves the member uncached. */
function fetchOnce(guild: Guild, state: GuildLookups, userId: string): Promise<void> {
  const pending = state.pending.get(userId);
  if (pending) return pending;
  const fetching = guild.members
    .fetch(userId)
    .then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof DiscordAPIError && (error.status === 403 || error.status === 404)) rememberNotFetchable(state, userId);
      },
    )
    .finally(() => state.pending.delete(userId));
  state.pending.set(userId, fetching);
  return fetching;
}

function rememberNotFetchable(state: GuildLookups, userId: string): void {
  state.notFetchable.delete(userId);
  state.notFetchable.set(userId, Date.now() + NOT_FETCHABLE_MS);
  if (state.notFetchable.size > MAX_NOT_FETCHABLE) state.notFetchable.delete(state.notFetchable.keys().next().value!);
}
