import { ErrorCodes, FeelbotError } from '../../errors.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';

/**
 * A post Discord refused for lack of a permission (Missing Permissions, Missing Access) as
 * DISCORD_PERMISSION_MISSING, naming the permission for the user; any other error as it is.
 */
export function asMissingPostPermission(error: unknown, channelId: string, inThread: boolean): unknown {
  if (!hasDiscordCode(error, DiscordCodes.MissingPermissions) && !hasDiscordCode(error, DiscordCodes.MissingAccess)) return error;
  const permission = inThread ? 'Send Messages in Threads' : 'Send Messages';
  return new FeelbotError(ErrorCodes.DiscordPermissionMissing, `feelbot needs the ${permission} permission in <#${channelId}>.`, {
    cause: error,
    userFacing: true,
    permanent: true,
    details: { channelId, permission },
  });
}
