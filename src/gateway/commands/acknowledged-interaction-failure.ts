/**
 * A failure of a command whose deferral Discord refused as already acknowledged (40060): the person
 * sees "thinking…", but discord.js, whose deferReply threw, does not count the interaction as
 * deferred, and a reply would meet 40060 again. Only an edit of the original response reaches them.
 * `cause` is the failure to report.
 */
export class AcknowledgedInteractionFailure extends Error {
  constructor(cause: unknown) {
    super('An interaction Discord had already acknowledged failed.', { cause });
    this.name = 'AcknowledgedInteractionFailure';
  }
}

/** The failure to report, and whether it came from an interaction Discord had acknowledged unbeknownst to discord.js. */
export function unwrapAcknowledged(thrown: unknown): { error: unknown; acknowledged: boolean } {
  return thrown instanceof AcknowledgedInteractionFailure ? { error: thrown.cause, acknowledged: true } : { error: thrown, acknowledged: false };
}
