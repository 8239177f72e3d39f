import type { APIUser } from 'discord-api-types/v10';
import type { UserRecord } from '../store.js';

/** A user object as the API returns it; bots carry `bot: true`. */
export function userPayload(user: UserRecord): APIUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName,
    avatar: user.avatar,
    ...(user.bot ? { bot: true } : {}),
  };
}
