/** Something admins must fix for the bot to work in a channel (a permission, the webhook limit). */
export interface AdminNotice {
  readonly guildId: string;
  readonly channelId: string;
  /** The error code, so one problem is reported once however often it recurs. */
  readonly code: string;
  readonly message: string;
}

export interface AdminNotifier {
  /** Tells the guild's admins once per problem and channel; later calls for the same problem are quiet. */
  notify(notice: AdminNotice): Promise<void>;
}
