import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, errorCodeOf } from '../../src/errors.js';

/** The codes in the first column of the README's "Error codes" table. */
function documentedCodes(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('### Error codes');
  expect(start, 'README has an "Error codes" section').toBeGreaterThan(-1);
  const end = readme.indexOf('\n#', start + 1);
  const rows = readme.slice(start, end === -1 ? undefined : end).split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]!));
}

describe("the README's error codes", () => {
  it('explain every code feelbot raises, and no code it does not', () => {
    // What a failure feelbot did not raise itself is counted and shown under.
    const unexpected = errorCodeOf(new Error('a bug'));
    const known = [...Object.values(ErrorCodes), unexpected];
    const documented = documentedCodes();
    expect(known.filter((code) => !documented.includes(code))).toEqual([]);
    expect(documented.filter((code) => !known.includes(code as never))).toEqual([]);
  });
});
