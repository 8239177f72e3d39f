import type { Emotion } from '../domain/emotions.js';

/** How a message job ended: its reply posted, or the reason the bot stayed quiet. */
export type MessageJobOutcome =
  | { readonly status: 'posted'; readonly emotion: Emotion; readonly persona: Emotion; readonly replyId: string }
  | { readonly status: 'skipped'; readonly reason: SkipReason; readonly emotion?: Emotion };

export type SkipReason =
  | 'already-answered'
  | 'deleted'
  | 'mode-off'
  | 'not-addressed'
  | 'not-emotional'
  | 'unreadable'
  | 'no-persona-allowed'
  | 'rate-limited'
  | 'cannot-post'
  | 'thread-closed'
  /** The thread or channel was deleted while the reply was written (Discord sends no MESSAGE_DELETE for its messages). */
  | 'channel-deleted'
  /** The bot was removed from the server (kicked, banned, the server deleted) before the reply was posted. */
  | 'left-server'
  /** The post failed after Discord may have posted it, where the history cannot be read to check: not posted again. */
  | 'post-unconfirmed';
