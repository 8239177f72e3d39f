/** JSON error codes the fake returns, as listed in Discord's "Opcodes and Status Codes". */
export const DiscordErrorCode = {
  General: 0,
  UnknownChannel: 10_003,
  UnknownGuild: 10_004,
  UnknownInteraction: 10_062,
  UnknownMember: 10_007,
  UnknownMessage: 10_008,
  UnknownUser: 10_013,
  UnknownWebhook: 10_015,
  UnknownApplication: 10_002,
  MaximumWebhooks: 30_007,
  MaximumGuildWebhooks: 30_058,
  MaximumEmojis: 30_008,
  Unauthorized: 40_001,
  InteractionAlreadyAcknowledged: 40_060,
  MissingAccess: 50_001,
  CannotSendEmptyMessage: 50_006,
  MissingPermissions: 50_013,
  InvalidWebhookToken: 50_027,
  InvalidFormBody: 50_035,
  WrongChannelType: 50_024,
  ThreadArchived: 50_083,
  ForumWebhookNeedsThread: 220_001,
} as const;

/** A REST failure the router turns into `{ code, message }` with an HTTP status. */
export class FakeApiError extends Error {
  override readonly name = 'FakeApiError';

  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** Discord's per-field detail of an Invalid Form Body: `{ field: { _errors: [{ code, message }] } }`. */
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }

  toBody(): { code: number; message: string; errors?: Record<string, unknown> } {
    return { code: this.code, message: this.message, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export const unknownChannel = () => new FakeApiError(404, DiscordErrorCode.UnknownChannel, 'Unknown Channel');
export const unknownGuild = () => new FakeApiError(404, DiscordErrorCode.UnknownGuild, 'Unknown Guild');
export const unknownMember = () => new FakeApiError(404, DiscordErrorCode.UnknownMember, 'Unknown Member');
export const unknownMessage = () => new FakeApiError(404, DiscordErrorCode.UnknownMessage, 'Unknown Message');
export const unknownUser = () => new FakeApiError(404, DiscordErrorCode.UnknownUser, 'Unknown User');
export const unknownWebhook = () => new FakeApiError(404, DiscordErrorCode.UnknownWebhook, 'Unknown Webhook');
export const missingPermissions = () =>
  new FakeApiError(403, DiscordErrorCode.MissingPermissions, 'Missing Permissions');
export const invalidFormBody = (message = 'Invalid Form Body') =>
  new FakeApiError(400, DiscordErrorCode.InvalidFormBody, message);
