import type { Redis } from 'ioredis';
import { INTERACTION_LIFETIME_MS } from '../../jobs/interaction-lifetime.js';
import type { FollowUpState, PrivateFollowUps } from '../../ports/private-follow-ups.js';
import { feelbotKey } from './redis-connection.js';

/** Past the interaction token's life no follow-up can be sent or read, so its note has no use. */
const FOLLOW_UP_TTL_MS = INTERACTION_LIFETIME_MS;

/** One short string per interaction, expiring with its token. */
export class RedisPrivateFollowUps implements PrivateFollowUps {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async note(interaction: string, state: FollowUpState): Promise<void> {
    await this.redis.set(this.key(interaction), state, 'PX', FOLLOW_UP_TTL_MS);
  }

  async stateOf(interaction: string): Promise<FollowUpState | undefined> {
    const noted = await this.redis.get(this.key(interaction));
    return noted === 'sending' || noted === 'sent' ? noted : undefined;
  }

  async forget(interaction: string): Promise<void> {
    await this.redis.del(this.key(interaction));
  }

  private key(interaction: string): string {
    return feelbotKey(this.prefix, 'private-follow-up', interaction);
  }
}
