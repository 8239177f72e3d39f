import { describe, expect, it } from 'vitest';
import { asUnconfirmedPost } from '../../src/adapters/discord/unconfirmed-post.js';

/** An error as Node's net, dns and tls modules or undici throw it: a message and a string `code`. */
function failure(code: string, message: string, name = 'Error'): Error {
  return Object.assign(new Error(message), { code, name });
}

/** The errors of a request whose connection never carried it, as they reach the poster. */
const NEVER_SENT = [
  failure('ECONNREFUSED', 'connect ECONNREFUSED 162.159.135.232:443'),
  failure('ENOTFOUND', 'getaddrinfo ENOTFOUND discord.com'),
  failure('EAI_AGAIN', 'getaddrinfo EAI_AGAIN discord.com'),
  failure('EHOSTUNREACH', 'connect EHOSTUNREACH 162.159.135.232:443'),
  failure('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl3_get_record:wrong version number'),
  failure('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error', 'ConnectTimeoutError'),
  new TypeError("Cannot read properties of undefined (reading 'id')"),
];

/** The errors of a request that may have reached Discord, whose answer was lost. */
const MAYBE_SENT = [
  new DOMException('This operation was aborted', 'AbortError'),
  failure('ECONNRESET', 'read ECONNRESET'),
  failure('ECONNRESET', 'socket hang up'),
  failure('UND_ERR_SOCKET', 'other side closed', 'SocketError'),
  failure('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error', 'HeadersTimeoutError'),
  new TypeError('fetch failed', { cause: failure('UND_ERR_SOCKET', 'other side closed', 'SocketError') }),
];

describe('which failed posts may have landed', () => {
  it.each(NEVER_SENT)('a post that never reached Discord is returned as it failed: $message', (error) => {
    expect(asUnconfirmedPost(error, 'the reply')).toBe(error);
  });

  it.each(MAYBE_SENT)('a post whose answer was lost is marked mayHavePosted: $message', (error) => {
    expect(asUnconfirmedPost(error, 'the reply')).toMatchObject({ code: 'DISCORD_REQUEST_FAILED', details: { mayHavePosted: true }, cause: error });
  });
});
