/**
 * The longest message Discord allows (with Nitro). Chat jobs, `/feel`, the HTTP API and the CLI
 * all read at most this much text; the classifier's input bound is the same number.
 */
export const MAX_MESSAGE_CHARS = 4_000;
