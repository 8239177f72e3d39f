/** A guild's cooldowns; zero turns one off. */
export interface CooldownSettings {
  readonly userCooldownSeconds: number;
  readonly channelCooldownSeconds: number;
}

/** No cooldowns (DMs); the hard per-minute limits still apply. */
export const NO_COOLDOWN: CooldownSettings = { userCooldownSeconds: 0, channelCooldownSeconds: 0 };

/** Whose reply, where, under which cooldowns. `scope` is the guild id, or `dm`. */
export interface ReplyStart {
  readonly scope: string;
  readonly channelId: string;
  readonly userId: string;
  readonly cooldowns: CooldownSettings;
}

/**
 * The cooldowns and per-minute limits every reply counts against, shared by all gateways and
 * workers. The gateway only asks (so a cooling-down channel fills no queue); the worker takes a
 * start once it knows it will answer, so a message it stays quiet on uses up nothing.
 */
export interface ReplyLimiter {
  /** True when a reply could start now. Takes nothing. */
  mayStart(start: ReplyStart): Promise<boolean>;
  /**
   * True when the reply `replyId` may start; then, and only then, it counts it and starts the
   * cooldowns. Asking again for the same `replyId` (a retried job) is true and counts nothing twice.
   */
  tryStart(start: ReplyStart, replyId: string): Promise<boolean>;
}

/** For `feelbot chat`: a terminal conversation has no channel to protect. */
export const NO_REPLY_LIMITS: ReplyLimiter = {
  mayStart: async () => true,
  tryStart: async () => true,
};
