/** What feelbot reads of the message Discord answers a post with. */
export interface ApiMessage {
  id?: string;
  channel_id?: string;
}

/** A Discord that answers an execute without the message (no `wait`) still posted it. */
export function postedId(message: ApiMessage | undefined): string {
  return message?.id ?? 'posted';
}
