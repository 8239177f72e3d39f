import type { PersonaReplier, PersonaReply } from '../../src/ports/persona-replier.js';
import { snowflake } from '../factories.js';

/** A replier that posts every reply (a new message id each) into `posted`, and never finds an earlier post. */
export function recordingReplier(): { replier: PersonaReplier; posted: PersonaReply[] } {
  const posted: PersonaReply[] = [];
  return { replier: { post: async (reply) => (posted.push(reply), { messageId: snowflake() }), findPosted: async () => undefined }, posted };
}
