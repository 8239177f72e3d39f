import type { PostContext, TakeBackSend } from '../../ports/persona-replier.js';

/** One reply's sends through webhooks, each asked `beforeSend` first, and how a refused one's noted attempt is taken back. */
export interface RefusedSends {
  /** Asked before each send (executeWebhook's): takes back the last send's note first, since a send follows another only once Discord refused it. */
  readonly beforeSend: () => Promise<void>;
  /** The last send was refused, so nothing of it was posted: its noted attempt is taken back, once. */
  readonly takeBackRefused: () => Promise<void>;
}

/**
 * A send Discord refused (a stale webhook, a refused avatar URL) posted nothing, so the attempt the
 * run noted for it is taken back before any wait for the next send (a fresh webhook, the check
 * before it): a run paused there must not leave a note that stops the job's next holder. A send
 * whose outcome is unknown (a 5xx, a timeout) is never followed by another, so it is never taken back.
 */
export function refusedSends(ask: PostContext['beforeSend']): RefusedSends {
  let takeBack: TakeBackSend | void;
  const takeBackRefused = async () => {
    const refused = takeBack;
    takeBack = undefined;
    await refused?.();
  };
  return {
    takeBackRefused,
    beforeSend: async () => {
      // executeWebhook sends again only without the avatar URL Discord refused: that send posted nothing.
      await takeBackRefused();
      takeBack = await ask?.();
    },
  };
}
