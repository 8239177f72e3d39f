/**
 * How long a gateway's record of a deleted message lasts: its DeletedMessages marker, and the
 * message's carrier, by which a deletion withdraws the job still waiting with its text. A job that
 * waited longer may have outlived both, so a worker cannot take their absence for "not deleted".
 */
export const DELETION_MARKER_SECONDS = 60 * 60;
