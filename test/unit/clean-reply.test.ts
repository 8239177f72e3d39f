import { describe, expect, it } from 'vitest';
import { cleanReply } from '../../src/domain/clean-reply.js';

/** Half of a surrogate pair on its own: what a cut through an emoji leaves behind. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const options = { personaName: 'Joy', maxChars: 600 };

describe('cleanReply', () => {
  it('drops the persona name prefix the model likes to add', () => {
    expect(cleanReply('Joy: That is wonderful!', options)).toBe('That is wonderful!');
    expect(cleanReply('**Joy:** Yay!', options)).toBe('Yay!');
  });

  it('defuses @everyone, @here, role and user pings', () => {
    const cleaned = cleanReply('Hey @everyone and @here, <@&123> and <@456> look!', options);
    expect(cleaned).not.toMatch(/@everyone|@here|<@&?\d+>/);
  });

  it('cuts at the last full sentence within the limit', () => {
    const text = `${'This is a sentence. '.repeat(10)}And this one never ends because`;
    const cleaned = cleanReply(text, { personaName: 'Joy', maxChars: 120 });
    expect(cleaned.length).toBeLessThanOrEqual(120);
    expect(cleaned.endsWith('.')).toBe(true);
  });

  it('drops an unfinished last sentence when generation hit its token limit', () => {
    expect(cleanReply('I love that! You should totally', { ...options, truncated: true })).toBe('I love that!');
  });

  it('never exceeds 2,000 characters even when the persona allows more', () => {
    const cleaned = cleanReply('word '.repeat(1_000), { personaName: 'Joy', maxChars: 5_000 });
    expect(cleaned.length).toBeLessThanOrEqual(2_000);
  });

  it('removes chat-template tokens', () => {
    expect(cleanReply('Great news!<end_of_turn>', options)).toBe('Great news!');
  });

  it('drops control characters and broken bytes that would render as junk', () => {
    expect(cleanReply('Hi\u0003 there\u0000!\ufffd\nBye.', options)).toBe('Hi there!\nBye.');
  });

  it('a masked link becomes just its text, so a reply cannot hide a phishing URL behind a label', () => {
    const cleaned = cleanReply('So happy for you! [Claim your free Nitro](https://evil.example/gift)', options);
    expect(cleaned).toBe('So happy for you! Claim your free Nitro');
    expect(cleanReply('Read [this](<https://evil.example/a> "title") now.', options)).toBe('Read this now.');
  });

  it('a URL or invite the person did not write is removed from the reply', () => {
    const phishing = 'Yay! Grab it at https://evil.example/gift. Join discord.gg/scam1 or <https://discord.com/invite/scam2> now!';
    const cleaned = cleanReply(phishing, { ...options, answering: 'I got the job!' });
    expect(cleaned).toBe('Yay! Grab it at. Join or now!');
    expect(cleaned).not.toMatch(/https?:|discord\.gg|invite/);
  });

  it("a URL or invite from the person's own message may be repeated, but not behind a label", () => {
    const answering = 'look at my art https://art.example/me and join discord.gg/ArtClub';
    expect(cleanReply('I love https://art.example/me! See you at discord.com/invite/ArtClub.', { ...options, answering })).toBe(
      'I love https://art.example/me! See you at discord.com/invite/ArtClub.',
    );
    expect(cleanReply('Your [gallery](https://art.example/me) is lovely.', { ...options, answering })).toBe('Your gallery is lovely.');
    // Discord's markdown takes a lone "]" inside a link's text.
    expect(cleanReply('Your [free ] gallery](https://art.example/me) is lovely.', { ...options, answering })).toBe('Your free ] gallery is lovely.');
    expect(cleanReply('Also try https://art.example/other', { ...options, answering })).toBe('Also try');
  });

  it('taking a link out never joins the text around it into a new link, invite or masked link', () => {
    const answering = 'my site is https://evil.example/login';
    expect(cleanReply('Come to disc<https://a.example>ord.gg/raid now', { ...options, answering: 'hi' })).not.toMatch(/discord\.gg/i);
    expect(cleanReply('Log in at https:<https://a.example>//evil.example/x', { ...options, answering: 'hi' })).not.toMatch(/:\/\//);
    // The author wrote the URL, but not behind a label.
    expect(cleanReply('[Claim your Nitro](<https://other.example>https://evil.example/login)', { ...options, answering })).toBe('Claim your Nitro');
  });

  it('a long reply of emoji without a sentence end or space is cut without half an emoji', () => {
    const cleaned = cleanReply('😀'.repeat(1_000), { personaName: 'Joy', maxChars: 600 });
    expect(cleaned).not.toMatch(LONE_SURROGATE);
    expect(cleaned).toBe(`${'😀'.repeat(299)}…`);
  });
});
