import type { PostAttempt } from '../ports/delivery-ledger.js';
import type { PersonaReplier, PersonaReply, PostContext, PostedReply, ReplyTarget } from '../ports/persona-replier.js';

/** Sends each reply back where its message came from: Discord or a terminal chat. */
export class RoutingReplier implements PersonaReplier {
  constructor(private readonly routes: Readonly<Record<PersonaReply['target']['origin'], PersonaReplier>>) {}

  post(reply: PersonaReply, context?: PostContext): Promise<PostedReply> {
    return this.routes[reply.target.origin].post(reply, context);
  }

  findPosted(target: ReplyTarget, attempt: PostAttempt): Promise<PostedReply | undefined> {
    return this.routes[target.origin].findPosted(target, attempt);
  }
}
