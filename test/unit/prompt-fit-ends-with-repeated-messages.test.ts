import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// fitPrompt is synchronous: were a drop to change nothing, its loop would spin forever and freeze vitest
// with it. The fit runs in a child process with a timeout, so a hang fails the test instead.
const root = fileURLToPath(new URL('../../', import.meta.url));
const script = `
import { buildPrompt } from './src/domain/build-prompt.ts';
import { fitPrompt } from './src/domain/fit-prompt.ts';
import { personas } from './test/factories.ts';
const spam = 'this is the copypasta everyone posts '.repeat(20);
const fit = (copies, budget) => {
  const context = [
    ...Array.from({ length: copies - 1 }, () => ({ authorName: 'Bob', authorId: '2', content: spam })),
    { authorName: 'Bob', authorId: '2', content: spam, repliedTo: true },
    { authorName: 'Joy', persona: 'Joy', personaKey: 'joy', content: 'Ha, I love this one!' },
  ];
  const prompt = buildPrompt({
    persona: personas.joy,
    context,
    message: { authorName: 'Ann', authorId: '1', content: 'Joy, why does Bob keep posting this?' },
  });
  const fitted = fitPrompt(prompt, budget, (text) => text.length);
  const cost = fitted.turns.reduce((sum, turn) => sum + turn.text.length + 8, fitted.system.length + 8);
  const all = fitted.turns.map((turn) => turn.text).join('\\n');
  return {
    cost,
    budget,
    newest: fitted.turns.at(-1).text.includes('why does Bob keep posting this?'),
    copies: all.split(spam).length - 1,
  };
};
console.log(JSON.stringify([fit(2, 2000), fit(3, 2000), fit(3, 2800)]));
`;

type Fit = { cost: number; budget: number; newest: boolean; copies: number };

it('fitPrompt ends within the budget, keeping one copy of the message replied to, when a member posted that same text more than once', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 15_000, encoding: 'utf8' });
  expect(run.signal, 'fitPrompt did not return within 15 s (killed)').toBeNull();
  expect(run.status, run.stderr).toBe(0);
  const fits = JSON.parse(run.stdout.trim()) as Fit[];
  for (const fit of fits) {
    expect(fit.cost).toBeLessThanOrEqual(fit.budget);
    expect(fit.newest).toBe(true);
  }
  // With room for one copy beside the newest message, the other copies go and the replied-to one stays.
  expect(fits[2]!.copies).toBe(1);
}, 30_000);
