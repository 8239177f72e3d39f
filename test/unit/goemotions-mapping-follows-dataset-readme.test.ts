import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateScores } from '../../src/domain/aggregate-scores.js';
import { KNOWN_LABEL_MAPPINGS, resolveLabelMapping } from '../../src/domain/label-mapping.js';

/** shared/data/goemotions/README.md's table "How feelbot's six labels read GoEmotions". */
function readmeMapping(): Map<string, string> {
  const readme = readFileSync('/work/shared/data/goemotions/README.md', 'utf8');
  const table = readme.split("## How feelbot's six labels read GoEmotions")[1]!;
  const mapping = new Map<string, string>();
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 4 || cells[1] === 'feelbot label' || cells[1]!.startsWith('---')) continue;
    for (const label of cells[2]!.replace(/\(.*\)/, '').split(',')) mapping.set(label.trim(), cells[1]!);
  }
  return mapping;
}

const GOEMOTIONS = readFileSync('/work/shared/data/goemotions/emotions.txt', 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);

describe('the shipped GoEmotions mapping follows shared/data/goemotions/README.md, the mapping feelbot is evaluated with', () => {
  it('maps every label as the dataset README does (confusion and desire: none)', () => {
    const expected = readmeMapping();
    expect(expected.size).toBe(28);
    const shipped = KNOWN_LABEL_MAPPINGS.goemotions28!;
    const differing = GOEMOTIONS.filter((label) => (shipped[label] ?? 'none') !== expected.get(label)).map(
      (label) => `${label}: README ${expected.get(label)}, code ${shipped[label] ?? 'none'}`,
    );
    expect(differing).toEqual([]);
  });

  it('a GoEmotions multi-label model whose only firing label is "confusion" does not read as confident surprise', () => {
    const { mapping } = resolveLabelMapping(GOEMOTIONS);
    expect(mapping).toBeDefined();
    const scores = GOEMOTIONS.map((label) => ({ label, score: label === 'confusion' ? 0.9 : 0.02 }));
    const analysis = aggregateScores(scores, mapping!, { hasNeutral: true, multiLabel: true });
    expect({ emotion: analysis.emotion, neutral: analysis.neutral }).not.toEqual({ emotion: 'surprise', neutral: false });
    expect(analysis.neutral).toBe(true);
    expect(analysis.confidence).toBeCloseTo(0.02);
  });

  it('nor one whose only firing label is "desire" as confident joy', () => {
    const { mapping } = resolveLabelMapping(GOEMOTIONS);
    const scores = GOEMOTIONS.map((label) => ({ label, score: label === 'desire' ? 0.9 : 0.02 }));
    const analysis = aggregateScores(scores, mapping!, { hasNeutral: true, multiLabel: true });
    expect({ emotion: analysis.emotion, neutral: analysis.neutral }).not.toEqual({ emotion: 'joy', neutral: false });
    expect(analysis.neutral).toBe(true);
    expect(analysis.confidence).toBeCloseTo(0.02);
  });
});
