/** Discord bot tokens: base64 user id, a timestamp part and an HMAC, dot-separated. */
const BOT_TOKEN = /[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,40}/g;
/** Webhook URLs carry their token in the path; a '.' in one is its own as in an interaction's. */
const WEBHOOK_URL = /(\/webhooks\/\d+\/)[\w.-]+/g;
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

/** How deep into a log line's objects and arrays strings are looked at; a prompt's turn text sits at 4. */
export const MAX_FIELD_DEPTH = 8;

/**
 * `value` with token patterns redacted from every string in it, through plain objects and arrays:
 * a log line's fields carry free text too (a prompt, a model's raw reply quoting a chat message).
 * Parts with nothing to redact are returned as they are; nothing is mutated.
 */
export function redactSecretsIn(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth >= MAX_FIELD_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => redactSecretsIn(item, depth + 1));
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(value)) {
    const redacted = redactSecretsIn(field, depth + 1);
    if (redacted !== field) (out ??= { ...value })[key] = redacted;
  }
  return out ?? value;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
