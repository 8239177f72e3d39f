import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeelbotProcess } from '../support/feelbot-process.js';
import { tinyModelPath } from '../support/fixtures.js';
import { startModelHost } from '../support/model-host.js';

describe('`feelbot models pull` with EMOTION_BACKEND=llm, where the models are fetched, not served (a CI job, an init container)', () => {
  it('downloads LLM_MODEL and exits 0 without loading it onto the production GPU the machine does not have', async () => {
    const host = await startModelHost(readFileSync(tinyModelPath()), { kind: 'whole' }, 'tiny.Q8_0.gguf');
    const modelsDir = mkdtempSync(join(tmpdir(), 'feelbot-pull-'));
    try {
      // The production settings: the reply model is the classifier, on a GPU this machine lacks.
      const pull = new FeelbotProcess(['models', 'pull'], { LLM_MODEL: host.url, MODELS_DIR: modelsDir, EMOTION_BACKEND: 'llm', LLM_GPU: 'cuda' });
      const code = await pull.waitForExit();
      const output = pull.output.join('\n');
      expect(output).toContain('LLM_MODEL ready');
      expect(output).toContain('EMOTION_BACKEND=llm');
      expect({ code, errors: pull.output.filter((line) => line.startsWith('feelbot:')) }).toEqual({ code: 0, errors: [] });
    } finally {
      await host.close();
      rmSync(modelsDir, { recursive: true, force: true });
    }
  }, 120_000);
});
