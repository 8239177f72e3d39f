import type { Logger } from '../ports/logger.js';
import type { PostAttempt } from '../ports/delivery-ledger.js';
import type { PersonaReplier, PersonaReply, PostedReply, ReplyTarget } from '../ports/persona-replier.js';

/** Sends each reply back where its message came from: Discord or a terminal chat. */
export class RoutingReplier implements PersonaReplier {
  constructor(private readonly routes: Readonly<Record<PersonaReply['target']['origin'], PersonaReplier>>) {}

  post(reply: PersonaReply, log?: Logger): Promise<PostedReply> {
    return this.routes[reply.target.origin].post(reply, log);
  }

  findPosted(target: ReplyTarget, attempt: PostAttempt): Promise<PostedReply | undefined> {
    return this.routes[target.origin].findPosted(target, attempt);
  }
}
