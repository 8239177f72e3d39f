/**
 * A failure of a command whose deferral Discord refused as already acknowledged (40060): the person
 * sees "thinking…", but discord.js, whose deferReply threw, does not count the interaction as
 * deferred, and a reply would meet 40060 again. Only the interaction's webhook reaches them.
 * `cause` is the failure to report; `deferredPublicly` is the visibility this gateway's deferral
 * asked for, which the deferral Discord took (this gateway's own, or another's reading the same
 * settings) shows too.
 */
export class AcknowledgedInteractionFailure extends Error {
  constructor(
    cause: unknown,
    readonly deferredPublicly: boolean,
  ) {
    super('An interaction Discord had already acknowledged failed.', { cause });
    this.name = 'AcknowledgedInteractionFailure';
  }
}

/** What a failed interaction's handler threw, unwrapped: the failure, and the deferral Discord acknowledged unbeknownst to discord.js, if any. */
export interface UnwrappedFailure {
  readonly error: unknown;
  /** Set when Discord had acknowledged the interaction unbeknownst to discord.js: whether its "thinking…" is public. */
  readonly acknowledged?: { readonly deferredPublicly: boolean };
}

export function unwrapAcknowledged(thrown: unknown): UnwrappedFailure {
  return thrown instanceof AcknowledgedInteractionFailure ? { error: thrown.cause, acknowledged: { deferredPublicly: thrown.deferredPublicly } } : { error: thrown };
}
