/**
 * How long a gateway's record of a deleted message (its DeletedMessages marker) lasts. A job that
 * waited longer may have outlived it, so a worker cannot take its absence for "not deleted". (A
 * message's carrier, by which a deletion withdraws the job still waiting with its text, is renewed
 * while its job is in Redis: MessageCarriers.)
 */
export const DELETION_MARKER_SECONDS = 60 * 60;
