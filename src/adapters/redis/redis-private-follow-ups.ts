import type { Redis } from 'ioredis';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { INTERACTION_LIFETIME_MS } from '../../jobs/interaction-lifetime.js';
import type { JobLock } from '../../ports/job-lock.js';
import type { FollowUpState, PrivateFollowUps } from '../../ports/private-follow-ups.js';
import { feelbotKey } from './redis-connection.js';
import { setWhileHeld } from './set-while-held.js';

/** Past the interaction token's life no follow-up can be sent or read, so its note has no use. */
const FOLLOW_UP_TTL_MS = INTERACTION_LIFETIME_MS;

/** One short string per interaction, expiring with its token. */
export class RedisPrivateFollowUps implements PrivateFollowUps {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async note(interaction: string, state: FollowUpState, whileHeld?: JobLock): Promise<void> {
    if (!whileHeld) {
      await this.redis.set(this.key(interaction), state, 'PX', FOLLOW_UP_TTL_MS);
      return;
    }
    // A note that waited out a network split is refused once another worker has the job: it never replaces that worker's note.
    const write = { key: this.key(interaction), value: state, ttlSeconds: Math.ceil(FOLLOW_UP_TTL_MS / 1_000) };
    if (await setWhileHeld(this.redis, whileHeld, [write])) return;
    throw new FeelbotError(ErrorCodes.JobLost, 'This run lost its /feel before noting its private card: nothing was noted, and nothing is sent.');
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
