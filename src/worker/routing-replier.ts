import type { PersonaReplier, PersonaReply, PostedReply } from '../ports/persona-replier.js';

/** Sends each reply back where its message came from: Discord or a terminal chat. */
export class RoutingReplier implements PersonaReplier {
  constructor(private readonly routes: Readonly<Record<PersonaReply['target']['origin'], PersonaReplier>>) {}

  post(reply: PersonaReply): Promise<PostedReply> {
    return this.routes[reply.target.origin].post(reply);
  }
}
