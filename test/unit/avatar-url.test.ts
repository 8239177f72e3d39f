import { describe, expect, it } from 'vitest';
import { isPostableAvatarUrl } from '../../src/domain/avatar-url.js';

/**
 * Discord answers an avatar_url it will not fetch with 50035 "Not a well formed URL" and posts
 * nothing, so a look is only given a URL on a named public host.
 */
describe('an avatar URL Discord takes', () => {
  it('is https on a named host, with any port, path or query', () => {
    for (const url of [
      'https://cdn.example.com/joy.png',
      'https://cdn.example.test/a/b/joy.png?size=128',
      'https://media.discordapp.net:443/x.webp',
      'https://xn--bcher-kva.example/joy.png',
      'https://my-cdn.co.uk/joy.png',
    ]) expect(isPostableAvatarUrl(url), url).toBe(true);
  });

  it('is not one whose host has no dot, an empty or odd label, or is an IP address', () => {
    for (const url of [
      'https://avatars/joy.png',
      'https://-/',
      'https://localhost/joy.png',
      'https://cdn..example.com/joy.png',
      'https://cdn.example.com./joy.png',
      'https://-cdn.example.com/joy.png',
      'https://cdn_1.example.com/joy.png',
      'https://203.0.113.7/joy.png',
      'https://0x7f.1/joy.png',
      'https://[2001:db8::1]/joy.png',
      'https://example.123/joy.png',
    ]) expect(isPostableAvatarUrl(url), url).toBe(false);
  });

  it('is not one carrying a user name or password, nor another scheme, nor no URL at all', () => {
    for (const url of ['https://ann:secret@cdn.example.com/joy.png', 'https://ann@cdn.example.com/joy.png', 'http://cdn.example.com/joy.png', 'cdn.example.com/joy.png', '']) {
      expect(isPostableAvatarUrl(url), url).toBe(false);
    }
  });
});
