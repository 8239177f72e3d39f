import { Routes, type REST } from 'discord.js';
import type { Redis } from 'ioredis';
import { withLogChannel } from '../../domain/guild-settings.js';
import { ErrorCodes, errorCodeOf } from '../../errors.js';
import type { AdminNotice, AdminNotifier } from '../../ports/admin-notifier.js';
import type { Logger } from '../../ports/logger.js';
import type { SettingsStore } from '../../ports/settings-store.js';
import { feelbotKey } from '../redis/redis-connection.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';
import { asDiscordRequestError } from './discord-request-error.js';
import { NO_PINGS } from './webhook-replier.js';

/** Once a day at most per problem and place (a channel, or the server for a server-wide one): a reminder, not spam. */
const NOTICE_TTL_SECONDS = 24 * 3_600;
/** Without a log channel the notice is only logged; again after this long, not once a day. */
const UNDELIVERED_TTL_SECONDS = 10 * 60;

/** Posts notices to the log channel admins chose with /feelbot logchannel; logs them otherwise. */
export class LogChannelNotifier implements AdminNotifier {
  constructor(
    private readonly rest: REST,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settings: SettingsStore,
    private readonly logger: Logger,
  ) {}

  /**
   * The day's quiet starts only once the notice reached the log channel: a notice raised before
   * admins chose one is logged again after a short while (and posted once they have), and one
   * whose post failed may be posted by the next occurrence.
   */
  async notify(notice: AdminNotice): Promise<void> {
    const key = feelbotKey(this.prefix, 'notice', notice.guildId, notice.code, notice.place ?? notice.channelId);
    // Claimed first, so two workers hitting the same problem post it once.
    if ((await this.redis.set(key, '1', 'EX', NOTICE_TTL_SECONDS, 'NX')) !== 'OK') return;
    const { logChannelId } = await this.settings.get(notice.guildId);
    this.logger.warn({ guildId: notice.guildId, channelId: notice.channelId, code: notice.code, notice: notice.message }, 'admin notice');
    if (!logChannelId) {
      await this.redis.expire(key, UNDELIVERED_TTL_SECONDS);
      return;
    }
    try {
      await this.rest.post(Routes.channelMessages(logChannelId), {
        body: { content: `⚠️ feelbot can't answer in <#${notice.channelId}>: ${notice.message}`, allowed_mentions: NO_PINGS },
      });
    } catch (error) {
      await this.redis.del(key);
      await this.postFailed(error, notice.guildId, logChannelId);
    }
  }

  /**
   * A log channel Discord no longer knows (10003: deleted) is cleared, so /feelbot settings stops
   * listing it; one the bot may not see or post in (50001, 50013) is the admins' to fix, and stays.
   */
  private async postFailed(error: unknown, guildId: string, logChannelId: string): Promise<void> {
    const failure = asDiscordRequestError(error, 'an admin notice');
    const fields = { err: failure, guildId, logChannelId };
    if (hasDiscordCode(error, DiscordCodes.UnknownChannel)) {
      this.logger.warn({ ...fields, code: errorCodeOf(failure) }, 'the log channel is gone; clearing it');
      await this.forgetLogChannel(guildId, logChannelId);
      return;
    }
    const refused = hasDiscordCode(error, DiscordCodes.MissingAccess) || hasDiscordCode(error, DiscordCodes.MissingPermissions);
    const code = refused ? ErrorCodes.DiscordPermissionMissing : errorCodeOf(failure);
    this.logger.warn({ ...fields, code }, 'could not post the admin notice to the log channel');
  }

  /** Only if it still names that channel: admins may have chosen another meanwhile. */
  private async forgetLogChannel(guildId: string, logChannelId: string): Promise<void> {
    try {
      await this.settings.update(guildId, (current) => (current.logChannelId === logChannelId ? withLogChannel(current, undefined) : current));
    } catch (error) {
      this.logger.warn({ err: error, code: errorCodeOf(error), guildId, logChannelId }, 'could not clear the deleted log channel');
    }
  }
}
