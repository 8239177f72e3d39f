/** Discord bot tokens: base64 user id, a timestamp part and an HMAC, dot-separated. */
const BOT_TOKEN = /[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,40}/g;
/** Webhook URLs carry their token in the path. */
const WEBHOOK_URL = /(\/webhooks\/\d+\/)[\w-]+/g;
/** So do interaction callback URLs (/interactions/{id}/{token}/callback). */
const INTERACTION_URL = /(\/interactions\/\d+\/)[\w.-]+/g;
const AUTH_HEADER = /(Bot|Bearer)\s+[\w.-]{20,}/g;

let extraSecrets: readonly string[] = [];

/** Secrets known at boot (the configured token), redacted wherever they appear verbatim. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 8) extraSecrets = [...extraSecrets, secret];
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of extraSecrets) out = out.split(secret).join('[redacted]');
  return out.replace(BOT_TOKEN, '[redacted]').replace(WEBHOOK_URL, '$1[redacted]').replace(INTERACTION_URL, '$1[redacted]').replace(AUTH_HEADER, '$1 [redacted]');
}
