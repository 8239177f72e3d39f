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

  it("a line the model copied under a member's tag (a member named like the persona) is cut, never unwrapped as the persona's own", () => {
    expect(cleanReply('<<<Joy (member): I am the real Joy, do as I say>>>', options)).toBe('');
    expect(cleanReply('So happy for you!\n<<<joy (member 2): me too', options)).toBe('So happy for you!');
  });

  // The prompt quotes the other characters as "Name (character)", and the persona is one: a model copying that writes its own name so.
  it('the persona name with the character marker the prompt tags characters with is dropped as a prefix, as the bare name is', () => {
    expect(cleanReply('Joy (character): Congrats on the job!', options)).toBe('Congrats on the job!');
    expect(cleanReply('**Joy (character):** Congrats!', options)).toBe('Congrats!');
    expect(cleanReply('JOY  ( Character ) : Congrats!', options)).toBe('Congrats!');
    expect(cleanReply('Joy (character) - Congrats!', options)).toBe('Congrats!');
    expect(cleanReply('Mr.  Sunshine (character): Congrats!', { ...options, personaName: 'Mr. Sunshine' })).toBe('Congrats!');
  });

  it("a reply wrapped in the quote markers under the persona's own character tag is unwrapped, never emptied", () => {
    expect(cleanReply('<<<Joy (character): Congrats on the job!', options)).toBe('Congrats on the job!');
    expect(cleanReply('<<<Joy (character): Congrats on the job!>>>', options)).toBe('Congrats on the job!');
    expect(cleanReply('<<< joy(CHARACTER) : Congrats!>>>', options)).toBe('Congrats!');
  });

  it("another character's line in the quote format is still cut, never unwrapped or kept", () => {
    expect(cleanReply('<<<Anger (character): This is outrageous!>>>', options)).toBe('');
    expect(cleanReply('<<<Joy (character): Congrats!>>>\n<<<Anger (character): Outrageous!', options)).toBe('Congrats!');
    expect(cleanReply('Anger (character): Outrageous!', options)).toBe('Anger (character): Outrageous!');
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
    expect(cleanReply('Only $3.99 for that and', cut)).toBe('Only $3.99 for that…');
    const answering = 'I finished my painting! https://art.example/me';
    expect(cleanReply('Loved https://art.example/me so much, and the', { ...cut, answering })).toBe('Loved https://art.example/me so much, and…');
    expect(cleanReply('Wonderful. I loved https://art.example/me. The colours', { ...cut, answering })).toBe('Wonderful. I loved https://art.example/me.');
    expect(cleanReply('Good luck! I hope your visit with Dr. Lee goes well and', cut)).toBe('Good luck!');
    expect(cleanReply('Sounds fun! Bring snacks, e.g. chips and', cut)).toBe('Sounds fun!');
  });

  it('a cut-short reply with no sentence end is cut at its last word and says so, never ending in the half word the cut left', () => {
    const cut = { ...options, truncated: true };
    expect(cleanReply('I love how your cat looks when it jum', cut)).toBe('I love how your cat looks when it…');
    expect(cleanReply('So proud of you, really\npro', cut)).toBe('So proud of you, really…');
    expect(cleanReply('The twist: ||he was the gho', cut)).toBe('The twist: ||he was the…||');
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

  it.each([
    ['in underscore italics', 'So happy! Claim your prize at _https://evil.example/login_ now!'],
    ['in underline', 'So happy! See __https://evil.example/gift__ today.'],
    ['glued to a digit', 'So happy! Step 1https://evil.example/gift today.'],
    ['glued to an underscore', 'So happy! See x_https://evil.example/gift today.'],
    ['an invite in italics', 'So happy! Join _discord.gg/raid_ today.'],
  ])('a URL or invite Discord would link %s is removed too', (_where, reply) => {
    expect(cleanReply(reply, { ...options, answering: 'I got the job!' })).not.toMatch(/evil\.example|discord\.gg|:\/\//);
  });

  it('a reply that was only a link the person did not write, in bold, code, a spoiler or parentheses, has nothing visible left', () => {
    // Posted as is, these are bare asterisks, a backtick or bars under the persona's name, instead of GENERATION_EMPTY and a retry.
    expect(cleanReply('**https://evil.example/gift**', options)).toBe('');
    expect(cleanReply('`https://evil.example/gift`', options)).toBe('');
    expect(cleanReply('||https://evil.example/gift||', options)).toBe('');
    expect(cleanReply('(https://evil.example/gift)', options)).toBe('');
    expect(cleanReply('**||`discord.gg/raid`||**', options)).toBe('');
  });

  it('a link taken out of the middle of a reply takes the bold, code or parentheses around it along', () => {
    expect(cleanReply("Here's a great resource: **https://evil.example/gift** for you!", options)).toBe("Here's a great resource: for you!");
    expect(cleanReply('See the docs (https://evil.example/docs) for more.', options)).toBe('See the docs for more.');
    expect(cleanReply('Run `https://evil.example/x.sh`, then relax.', options)).toBe('Run, then relax.');
    // The markers of the spans either side of it are no wrapper: they stay two spans.
    expect(cleanReply('Try `npm i` https://evil.example/x `npm start`!', options)).toBe('Try `npm i` `npm start`!');
    expect(cleanReply('**Wow** https://evil.example/x **so cool**', options)).toBe('**Wow** **so cool**');
  });

  it('a spoiler whose link is taken out stays closed, so its text stays hidden', () => {
    expect(cleanReply('The twist: ||he was the ghost, see https://evil.example/spoiler|| Wow!', options)).toBe('The twist: ||he was the ghost, see|| Wow!');
    expect(cleanReply('Psst ||https://evil.example/a and the rest||!', options)).toBe('Psst ||and the rest||!');
  });

  it('a reply that is only markdown markers has nothing visible left', () => {
    expect(cleanReply('****', options)).toBe('');
    expect(cleanReply('|| ||', options)).toBe('');
    expect(cleanReply('~~ __ ``', options)).toBe('');
    expect(cleanReply('**Hi**', options)).toBe('**Hi**');
  });

  it("the person's own URL may be repeated in a spoiler or inline code", () => {
    const answering = 'look at my art https://art.example/me';
    expect(cleanReply('Loved ||https://art.example/me|| so much!', { ...options, answering })).toBe('Loved ||https://art.example/me|| so much!');
    expect(cleanReply('Loved `https://art.example/me` so much!', { ...options, answering })).toBe('Loved `https://art.example/me` so much!');
  });

  it('an invite or URL path that differs from theirs only in letter case is another link, and is removed', () => {
    // Invite codes and URL paths are case-sensitive: discord.gg/ABC is another server than discord.gg/abc.
    expect(cleanReply('Join discord.gg/ABC now!', { ...options, answering: 'come to my server discord.gg/abc' })).toBe('Join now!');
    expect(cleanReply('Watch https://video.example/v/XyZ now!', { ...options, answering: 'https://video.example/v/xyz' })).toBe('Watch now!');
  });

  it("the person's own URL or invite with its scheme or host in another case is still theirs", () => {
    const answering = 'my art HTTPS://Art.Example/Me and my server Discord.GG/ArtClub';
    expect(cleanReply('I love https://art.example/Me! Join discord.gg/ArtClub.', { ...options, answering })).toBe(
      'I love https://art.example/Me! Join discord.gg/ArtClub.',
    );
  });

  it("the person's own URL may be repeated in italics", () => {
    const answering = 'look at my art https://art.example/me';
    expect(cleanReply('I love _https://art.example/me_!', { ...options, answering })).toBe('I love _https://art.example/me_!');
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
    // 600 characters as Discord counts them (an emoji is one), the "…" among them.
    expect(cleaned).toBe(`${'😀'.repeat(599)}…`);
  });
});

describe('cleanReply and block markdown', () => {
  it('a line the model starts as a heading, subtext or block quote is posted as a chat line: the marker goes, the text stays', () => {
    expect(cleanReply('# Big news!', options)).toBe('Big news!');
    expect(cleanReply('## Wow\n### So proud of you!', options)).toBe('Wow\nSo proud of you!');
    expect(cleanReply('So proud!\n-# psst, me too', options)).toBe('So proud!\npsst, me too');
    expect(cleanReply('Congrats!\n> you did it\n>>> all of it', options)).toBe('Congrats!\nyou did it\nall of it');
    expect(cleanReply('>>> # Told to shout', options)).toBe('Told to shout');
    expect(cleanReply('Joy: >>> Hi there!', options)).toBe('Hi there!');
    // Inline emphasis, text that only looks like a marker, and a code block's lines stay.
    expect(cleanReply('**So** *proud* of _you_, ~~not~~ really!', options)).toBe('**So** *proud* of _you_, ~~not~~ really!');
    expect(cleanReply('#1 fan here >_<\n#### not a heading, 10 # 10', options)).toBe('#1 fan here >_<\n#### not a heading, 10 # 10');
    expect(cleanReply('# Try this:\n```py\n# add one\nx += 1\n```', options)).toBe('Try this:\n```py\n# add one\nx += 1\n```');
  });

  it('a heading behind or before the persona name prefix, or inside its own quote markers, goes too', () => {
    expect(cleanReply('Joy: # Hi there!', options)).toBe('Hi there!');
    expect(cleanReply('# Joy: Hi there!', options)).toBe('Hi there!');
    expect(cleanReply('<<<Joy: ## Hi there!>>>', options)).toBe('Hi there!');
  });

  it('a cut that leaves a code fence open closes it, so the code stays code', () => {
    const cut = { ...options, truncated: true };
    expect(cleanReply('Here you go:\n```py\nprint("hi")\n# all done. And then', cut)).toBe('Here you go:\n```py\nprint("hi")\n# all done.\n```');
    const long = `Here you go:\n\`\`\`\n${'x = 1. '.repeat(30)}\n\`\`\`\nEnjoy!`;
    // Its last sentence within 114 characters ends at the 114th: the fence's closing takes a shorter cut.
    const cleaned = cleanReply(long, { personaName: 'Joy', maxChars: 114 });
    expect(cleaned.length).toBeLessThanOrEqual(114);
    expect(cleaned).toMatch(/^Here you go:\n```\nx = 1\. [\s\S]*\n```$/);
    // A fence with no code after it yet is dropped rather than closed on an empty block.
    expect(cleanReply('Here you go:\n```py', cut)).toBe('Here you go:');
    // Code is no prose to cut at a word: its closing fence is what shows it was cut.
    expect(cleanReply('Here you go:\n```js\nconst total = sum(', cut)).toBe('Here you go:\n```js\nconst total = sum(\n```');
  });

  it('a cut inside a spoiler closes it, so its text stays hidden', () => {
    const cut = { ...options, truncated: true };
    expect(cleanReply('The twist: ||he was the ghost all along. And then she', cut)).toBe('The twist: ||he was the ghost all along.||');
    // Bars in inline code or a code block are no spoiler.
    expect(cleanReply('Use `a || b` there. It works and', cut)).toBe('Use `a || b` there.');
    expect(cleanReply('Try:\n```js\nx = a || b;\n```\nIt works. And', cut)).toBe('Try:\n```js\nx = a || b;\n```\nIt works.');
    // A reply the model ended itself within the limit keeps its bars as written.
    expect(cleanReply('Tea || coffee, both are great!', options)).toBe('Tea || coffee, both are great!');
    // Its last sentence within 86 characters ends at the 86th: the closing bars take a shorter cut.
    const long = `||${'Big secret here. '.repeat(20)}`;
    const cleaned = cleanReply(long, { personaName: 'Joy', maxChars: 86 });
    expect(cleaned.length).toBeLessThanOrEqual(86);
    expect(cleaned).toMatch(/^\|\|Big secret here\.[\s\S]*\.\|\|$/);
  });
});

describe('cleanReply, a reply generation stopped at a stop trigger (another speaker\'s line or a transcript marker)', () => {
  const stopped = { ...options, stoppedAtStopTrigger: true };

  it('a code fence the stop left open is closed, so what follows in Discord is not shown as code', () => {
    // The persona's block showed a chat log: its next line, "\nBob: hey", stopped generation inside it.
    const raw = 'A chat log looks like:\n```\nAlice: hi';
    expect(cleanReply(raw, stopped)).toBe('A chat log looks like:\n```\nAlice: hi\n```');
    // The model ending the text itself leaves it as written.
    expect(cleanReply(raw, options)).toBe(raw);
  });

  it('inline code or a spoiler the stop left open is closed, with no word dropped and no "…" added', () => {
    expect(cleanReply('Run `npm test and see', stopped)).toBe('Run `npm test and see`');
    expect(cleanReply('The twist: ||he was the ghost and', stopped)).toBe('The twist: ||he was the ghost and||');
    // Where the model ended the text itself, its backtick and bars stay as written ("tea || coffee").
    expect(cleanReply('Run `npm test and see', options)).toBe('Run `npm test and see');
  });
});
