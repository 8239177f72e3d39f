/** Something admins must fix for the bot to work in a channel (a permission, the webhook limit). */
export interface AdminNotice {
  readonly guildId: string;
  readonly channelId: string;
  /** Where the once-a-day quiet applies: the channel (the default), or the server's place for a server-wide problem. */
  readonly place?: string;
  /** The error code, so one problem is reported once however often it recurs. */
  readonly code: string;
  readonly message: string;
}

export interface AdminNotifier {
  /** Tells the guild's admins once per problem and channel; later calls for the same problem are quiet. */
  notify(notice: AdminNotice): Promise<void>;
}
