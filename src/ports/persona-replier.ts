import type { Persona } from '../domain/persona.js';
import type { PostAttempt } from './delivery-ledger.js';
import type { Logger } from './logger.js';

/** Where a reply goes. In a thread, webhooks live on the parent channel and post with thread_id. */
export interface ReplyTarget {
  readonly origin: 'discord' | 'terminal';
  readonly guildId: string | null;
  /** The channel the message was sent in (the thread itself, for a thread). */
  readonly channelId: string;
  /** The thread's parent channel, when `channelId` is a thread. */
  readonly threadParentId?: string | null | undefined;
}

export interface PersonaReply {
  readonly target: ReplyTarget;
  readonly persona: Persona;
  readonly content: string;
  /**
   * The same on every attempt to post this reply (the id of the message it answers). Where Discord
   * checks it (a bot message in a DM), a second post returns the first instead of repeating it.
   */
  readonly nonce?: string;
  /** What the classifier saw, for surfaces that show it (the terminal chat). */
  readonly detected?: { readonly emotion: string; readonly confidence: number };
}

export interface PostContext {
  /** Carries the job's ids, for anything the post must report that it cannot throw. */
  readonly log?: Logger;
  /**
   * The worker's shutdown, or the run losing its job: a post still waiting for another worker (to
   * make the channel's webhook) stops waiting and rejects with an AbortError, so its job goes back
   * to the queue, or is left to the worker that took it over.
   */
  readonly signal?: AbortSignal;
  /**
   * Asked immediately before the reply is sent, after every wait (another worker's webhook lock,
   * an avatar's upload): it rejects to stop the post, when the run lost its job to another worker
   * (JOB_LOST) or the reply was answered meanwhile. The run notes its attempt there, so a replier
   * whose post may land unconfirmed must ask it; one whose sends no other worker repeats (the
   * terminal chat's) may leave it unasked. It resolves to how that note is taken back (TakeBackSend).
   */
  readonly beforeSend?: () => Promise<TakeBackSend | void>;
}

/**
 * Takes back the attempt noted before a send Discord refused in a way that proves nothing was
 * posted (a stale webhook, a refused avatar URL). The replier calls it at once, before any wait
 * for the next send: a run paused there must not leave a note that stops the job's next holder.
 * Never for a send whose outcome is unknown (a 5xx, a timeout): that one may have landed.
 */
export type TakeBackSend = () => Promise<void>;

export interface PostedReply {
  readonly messageId: string;
}

/** Posts as a persona: a webhook with the persona's name and avatar in guilds, an embed in DMs. */
export interface PersonaReplier {
  post(reply: PersonaReply, context?: PostContext): Promise<PostedReply>;
  /**
   * The earlier post of `attempt` in `target`, if it landed although the post failed: Discord can
   * answer 5xx or time out after it has posted.
   */
  findPosted(target: ReplyTarget, attempt: PostAttempt): Promise<PostedReply | undefined>;
}
