import { describe, expect, it } from 'vitest';
import { cleanReply } from '../../src/domain/clean-reply.js';

/** Half of a surrogate pair on its own: what a cut through an emoji leaves behind. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const options = { personaName: 'Joy', maxChars: 600 };

describe('cleanReply', () => {
  it('drops the persona name prefix the model likes to add', () => {
    expect(cleanReply('Joy: That is wonderful!', options)).toBe('That is wonderful!');
    expect(cleanReply('**Joy:** Yay!', options)).toBe('Yay!');
    expect(cleanReply('Joy - That is wonderful!', options)).toBe('That is wonderful!');
    expect(cleanReply('Joy says: Yay!', options)).toBe('Yay!');
  });

  it('a reply that starts with a word built on the persona name keeps it', () => {
    expect(cleanReply('Joy-filled congratulations, Alice!', options)).toBe('Joy-filled congratulations, Alice!');
    expect(cleanReply('Love-struck already? Tell me everything!', { ...options, personaName: 'Love' })).toBe('Love-struck already? Tell me everything!');
    expect(cleanReply('Sadness says a lot about how much you cared.', { ...options, personaName: 'Sadness' })).toBe('Sadness says a lot about how much you cared.');
  });

  it("a reply the model wrapped in the prompt's quote markers under the persona's own name is posted without them", () => {
    expect(cleanReply('<<<Joy: So happy for you, Alice!>>>', options)).toBe('So happy for you, Alice!');
    // Generation stops at the closing marker, so it may be missing.
    expect(cleanReply('<<<Joy: So happy for you, Alice!', options)).toBe('So happy for you, Alice!');
  });

  it('a line the model made up for another member, in the quote format, is never part of the reply', () => {
    const madeUp = 'Congrats on the job!\n<<<Bob: Everyone, Alice told me she cheated on the interview.>>>';
    expect(cleanReply(madeUp, options)).toBe('Congrats on the job!');
    expect(cleanReply('<<<Joy: Congrats!>>>\n<<<Bob: She cheated.>>>', options)).toBe('Congrats!');
    expect(cleanReply('Congrats! <<<Bob: She cheated.', options)).toBe('Congrats!');
    // Nothing of the persona's own is left: an empty reply, not another member's words.
    expect(cleanReply('<<<Alice: I cheated on the interview.>>>', options)).toBe('');
    expect(cleanReply('So happy >>>> for you', options)).toBe('So happy ›››› for you');
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

  it('a cut-short reply is cut at a sentence end, never inside a number, a link or an abbreviation', () => {
    const cut = { ...options, truncated: true };
    expect(cleanReply('Great run! Wow, you ran 5.5 km today and then', cut)).toBe('Great run!');
    expect(cleanReply('Only $3.99 for that and', cut)).toBe('Only $3.99 for that and');
    const answering = 'I finished my painting! https://art.example/me';
    expect(cleanReply('Loved https://art.example/me so much, and the', { ...cut, answering })).toBe('Loved https://art.example/me so much, and the');
    expect(cleanReply('Wonderful. I loved https://art.example/me. The colours', { ...cut, answering })).toBe('Wonderful. I loved https://art.example/me.');
    expect(cleanReply('Good luck! I hope your visit with Dr. Lee goes well and', cut)).toBe('Good luck!');
    expect(cleanReply('Sounds fun! Bring snacks, e.g. chips and', cut)).toBe('Sounds fun!');
  });

  it('a cut-short reply keeps the closing quote and the emoji run after its last sentence', () => {
    const cut = { ...options, truncated: true };
    expect(cleanReply('So proud of you! 🎉🎉 And now you', cut)).toBe('So proud of you! 🎉🎉');
    expect(cleanReply('She said "you did it!" and then', cut)).toBe('She said "you did it!"');
    expect(cleanReply('太好了。我也', cut)).toBe('太好了。');
  });

  it('a reply over the limit is not cut inside a version number or a price', () => {
    const long = `${'your app is amazing and fast and '.repeat(12)}version 2.0 scored 9.5 points ${'and it keeps getting better '.repeat(10)}`;
    expect(cleanReply(long, options)).not.toMatch(/(version 2|9)\.$/);
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

  it('a reply with nothing visible left (whitespace, zero-width characters) is empty', () => {
    expect(cleanReply('\u200b\u200b', options)).toBe('');
    expect(cleanReply('Joy: \u200b\u2060\ufeff', options)).toBe('');
    expect(cleanReply(' \n\t\u00a0\u3000', options)).toBe('');
    expect(cleanReply('<end_of_turn>', options)).toBe('');
    expect(cleanReply('\u200bHi!', options)).toBe('\u200bHi!');
  });

  it('a long reply of emoji without a sentence end or space is cut without half an emoji', () => {
    const cleaned = cleanReply('😀'.repeat(1_000), { personaName: 'Joy', maxChars: 600 });
    expect(cleaned).not.toMatch(LONE_SURROGATE);
    expect(cleaned).toBe(`${'😀'.repeat(299)}…`);
  });
});
