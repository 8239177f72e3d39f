import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabelMap } from '../../src/adapters/files/label-map-file.js';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'feelbot-label-map-'));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function loadError(path: string): Promise<Error> {
  return loadLabelMap(path).then(
    () => {
      throw new Error('expected the label map to be rejected');
    },
    (error: Error) => error,
  );
}

describe('EMOTION_LABEL_MAP file', () => {
  it('maps a model\'s labels onto feelbot\'s outcomes', async () => {
    expect(await loadLabelMap(file('ok.json', '{"happy": "joy", "other": "neutral"}'))).toEqual({ happy: 'joy', other: 'neutral' });
  });

  it('maps a label to null to ignore it', async () => {
    expect(await loadLabelMap(file('ignore.json', '{"hunger": null, "happy": "joy"}'))).toEqual({ hunger: null, happy: 'joy' });
  });

  it('a file that is not there is CONFIG_INVALID saying it does not exist, not that it is malformed', async () => {
    const missing = join(dir, 'no-such-map.json');
    const error = await loadError(missing);
    expect(isFeelbotError(error, ErrorCodes.ConfigInvalid)).toBe(true);
    expect(error.message).toBe(`EMOTION_LABEL_MAP ${missing} does not exist. Create it or point EMOTION_LABEL_MAP at the right file.`);
  });

  it('a file that cannot be read says so with the reason', async () => {
    const error = await loadError(dir);
    expect(isFeelbotError(error, ErrorCodes.ConfigInvalid)).toBe(true);
    expect(error.message).toBe(`EMOTION_LABEL_MAP ${dir} cannot be read (EISDIR).`);
  });

  it('a file that is not a JSON object of outcomes shows the expected shape', async () => {
    for (const content of ['{"happy": ', '{"happy": "glad"}']) {
      const error = await loadError(file('bad.json', content));
      expect(isFeelbotError(error, ErrorCodes.ConfigInvalid)).toBe(true);
      expect(error.message).toContain('must be a JSON object like {"happy": "joy", "other": "neutral"}');
      expect(error.message).toContain('or null for a label to ignore');
    }
  });
});
