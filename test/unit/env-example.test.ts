import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.js';

describe('.env.example', () => {
  it('documents every variable the config schema reads, and no other', () => {
    const names = readFileSync('.env.example', 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split('=')[0]);
    expect([...names].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
