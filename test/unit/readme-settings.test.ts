import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHOICE_SETTINGS, CONFIG_DEFAULTS, CONFIG_VARIABLES, INTEGER_SETTINGS } from '../../src/config.js';

interface SettingRow {
  readonly variable: string;
  readonly defaultCell: string;
  readonly allowedCell: string;
}

const codeSpans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);

/** The rows of the table under README.md's "## Settings", by its `variable`, `default` and `allowed` columns. */
function readSettingsTable(): SettingRow[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = /^## Settings\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  const cellsOf = (line: string) => line.slice(1, line.lastIndexOf('|')).split('|').map((cell) => cell.trim());
  const header = cellsOf(lines[0] ?? '');
  const column = (name: string) => header.indexOf(name);
  return lines.slice(2).map((line) => {
    const cells = cellsOf(line);
    return {
      variable: cells[column('variable')] ?? '',
      defaultCell: cells[column('default')] ?? '',
      allowedCell: cells[column('allowed')] ?? '',
    };
  });
}

const rows = readSettingsTable();
const rowOf = (name: string) => rows.find((row) => row.variable === `\`${name}\``);
/** `1–64`, or with thousands separators `1,000–600,000`. */
const rangeOf = (cell: string) => /^(\d[\d,]*)–(\d[\d,]*)$/.exec(cell)?.slice(1).map((bound) => Number(bound.replaceAll(',', '')));

describe("README.md's settings table", () => {
  it('has a row of its own for every variable config.ts reads, and none for another', () => {
    expect(rows.map((row) => row.variable).sort()).toEqual(CONFIG_VARIABLES.map((name) => `\`${name}\``).sort());
  });

  it('gives each number setting the range and default config.ts enforces', () => {
    const wrong = Object.entries(INTEGER_SETTINGS).flatMap(([name, { min, max, default: fallback }]) => {
      const row = rowOf(name);
      const said = { range: rangeOf(row?.allowedCell ?? ''), default: codeSpans(row?.defaultCell ?? '')[0] };
      const enforced = { range: [min, max], default: String(fallback) };
      return JSON.stringify(said) === JSON.stringify(enforced) ? [] : [{ name, said, enforced }];
    });
    expect(wrong).toEqual([]);
  });

  it('gives each word setting the values and default config.ts allows', () => {
    const wrong = Object.entries(CHOICE_SETTINGS).flatMap(([name, { values, default: fallback }]) => {
      const row = rowOf(name);
      const said = { values: codeSpans(row?.allowedCell ?? '').sort(), default: codeSpans(row?.defaultCell ?? '')[0] };
      const allowed = { values: [...values].sort(), default: fallback };
      return JSON.stringify(said) === JSON.stringify(allowed) ? [] : [{ name, said, allowed }];
    });
    expect(wrong).toEqual([]);
  });

  it("gives every other setting config.ts's default, and none to a setting that has none", () => {
    const wrong = CONFIG_VARIABLES.filter((name) => !(name in INTEGER_SETTINGS) && !(name in CHOICE_SETTINGS)).flatMap((name) => {
      const said = codeSpans(rowOf(name)?.defaultCell ?? '')[0];
      const fallback = CONFIG_DEFAULTS[name as keyof typeof CONFIG_DEFAULTS];
      const enforced = fallback === undefined ? undefined : String(fallback);
      return said === enforced ? [] : [{ name, said, enforced }];
    });
    expect(wrong).toEqual([]);
  });
});
