import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exitWithin } from '../support/exit-within.js';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { tinyModelPath } from '../support/fixtures.js';
import { startModelHost, type ModelHost } from '../support/model-host.js';
import { describePrivileged } from '../support/privileged-test.js';
import { trySetup } from '../support/privileged.js';
import { makeReadOnlyDir } from '../support/read-only-dir.js';

/** The model file already in the read-only MODELS_DIR, as an operator's volume filled beforehand holds it. */
const PRESENT = 'present.Q8_0.gguf';

/** MODELS_DIR with the model already there, that this process may not write into. */
const readOnly = trySetup(() =>
  makeReadOnlyDir('feelbot-ro-', (dir) => {
    mkdirSync(join(dir, 'llm'));
    copyFileSync(tinyModelPath(), join(dir, 'llm', PRESENT));
  }),
);

describePrivileged('a read-only MODELS_DIR', readOnly, ({ path: readOnlyDir, refusal, remove }) => {
  let host: ModelHost;
  beforeAll(async () => {
    // The host answers every path with the tiny model: only the file name in LLM_MODEL tells them apart.
    host = await startModelHost(readFileSync(tinyModelPath()), { kind: 'whole' }, PRESENT);
  });
  afterAll(async () => {
    await host?.close();
    remove();
  });

  it.each([
    ['its llm folder there', () => readOnlyDir],
    ['no llm folder yet', () => join(readOnlyDir, 'never-made')],
  ])('without the model (%s), `feelbot models pull` fails before downloading with MODELS_DIR_UNWRITABLE naming MODELS_DIR and the folder', async (_, modelsDir) => {
    const pull = new FeelbotProcess(['models', 'pull'], { LLM_MODEL: `${host.root}missing.Q8_0.gguf`, MODELS_DIR: modelsDir() });
    expect(await exitWithin(pull, 30_000)).toBe(1);
    const output = pull.output.join('\n');
    expect(output).toMatch(/^feelbot: MODELS_DIR /m);
    expect(output).toContain(join(modelsDir(), 'llm'));
    expect(output).toContain(refusal);
    expect(output).toContain('(MODELS_DIR_UNWRITABLE)');
    expect(output).not.toContain('node:internal');
    expect(host.requests.filter((request) => request.includes(' bytes='))).toEqual([]);
  }, 60_000);

  it('a model already there still loads, and classifies, without a byte written', async () => {
    const analyze = new FeelbotProcess(['analyze', 'I finally got the job!'], {
      EMOTION_BACKEND: 'llm',
      LLM_MODEL: host.url,
      LLM_GPU: 'cpu',
      MODELS_DIR: readOnlyDir,
    });
    expect(await exitWithin(analyze, 30_000)).toBe(0);
    expect(analyze.output.join('\n')).toMatch(/"emotion":/);
  }, 60_000);
});
