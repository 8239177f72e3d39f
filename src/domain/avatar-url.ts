/** One label of a host name as DNS spells it: letters, digits and inner hyphens, at most 63 (RFC 1035). */
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A top-level domain: letters, or an internationalised one in punycode; never all digits, as an IPv4 address's last part is. */
const TOP_LEVEL_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * True for an avatar URL Discord takes as a webhook's `avatar_url` or a card's `icon_url`: https,
 * on a named host with a dot (Discord answers "https://avatars/joy.png" with 50035 "Not a well
 * formed URL", and then posts nothing), not an IP address, and with no user name or password.
 */
export function isPostableAvatarUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  // The parser gives the host in lower case and punycode, an IPv4 address in dotted decimal, an IPv6 one in brackets.
  const { protocol, hostname, username, password } = new URL(url);
  if (protocol !== 'https:' || username !== '' || password !== '') return false;
  const labels = hostname.split('.');
  return labels.length >= 2 && labels.every((label) => HOST_LABEL.test(label)) && TOP_LEVEL_LABEL.test(labels.at(-1)!);
}
