/**
 * A message as REST shows it (history, a single message, a reply's `referenced_message`): Discord
 * puts `member` on the author and on each mention only in MESSAGE_CREATE and MESSAGE_UPDATE gateway
 * events ("Message Create Extra Fields"), never on a message object read or nested elsewhere.
 */
export function restMessage<M extends object>(message: M): M {
  const { member: _member, ...rest } = message as M & { member?: unknown };
  const shaped = rest as Record<string, unknown>;
  if (Array.isArray(shaped.mentions)) {
    shaped.mentions = (shaped.mentions as Array<Record<string, unknown>>).map(({ member: _mentionMember, ...user }) => user);
  }
  if (shaped.referenced_message) shaped.referenced_message = restMessage(shaped.referenced_message as object);
  return shaped as M;
}
