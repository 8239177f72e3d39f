import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { DEFAULT_PERSONAS } from '../../../src/domain/default-personas.js';
import { EMOTIONS } from '../../../src/domain/emotions.js';
import { ErrorCodes } from '../../../src/errors.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { checkPersonasFitEngines } from '../../../src/worker/check-personas-fit-engines.js';
import { createEngines, type Engines } from '../../../src/worker/create-engines.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { ensureShortContextModel } from './fixtures.js';

/** Too short for the default personas in the tiny model's byte-level vocabulary (about 1,100 tokens with a reply). */
const SHORT = 512;
/** Long enough for them, and shorter than LLM_CONTEXT_SIZE's default. */
const TWO_K = 2_048;

function configFor(trainedOn: number, contextSize: number) {
  return loadConfig({
    LLM_MODEL: ensureShortContextModel(trainedOn),
    LLM_GPU: 'cpu',
    LLM_CONTEXT_SIZE: String(contextSize),
    LLM_SEQUENCES: '1',
    EMOTION_BACKEND: 'llm',
  });
}

const outcome = (checking: Promise<void>) =>
  checking.then(
    () => 'accepted',
    (error: unknown) => error as Error & { code?: string },
  );

describe('an LLM_MODEL trained on a shorter context than LLM_CONTEXT_SIZE', () => {
  let engines: Engines | undefined;
  afterEach(async () => {
    await engines?.dispose().catch(() => undefined);
    engines = undefined;
  });

  it('starts with its replies fitted to the trained context instead, warning with both numbers: the default personas keep working on a 2k-context model', async () => {
    const { logger, lines } = capturedLogger();
    const config = configFor(TWO_K, 4_096);
    engines = await createEngines(config, logger, NO_METRICS);
    expect(engines.runtime.model.trainContextSize).toBe(TWO_K);
    const warnings = lines.filter((line) => line.level === 'warn').map((line) => String(line.msg));
    expect(warnings).toEqual([expect.stringMatching(/^LLM_CONTEXT_SIZE=4096 .*LLM_MODEL was trained on \(2048 tokens\).*2048-token contexts/)]);
    await expect(checkPersonasFitEngines(DEFAULT_PERSONAS, config, engines)).resolves.toBeUndefined();
  }, 60_000);

  it('refuses personas that do not fit the trained context, naming it, though they fit LLM_CONTEXT_SIZE', async () => {
    const config = configFor(SHORT, 4_096);
    engines = await createEngines(config, capturedLogger().logger, NO_METRICS);
    // Checked against 4,096 tokens they would start, and every prompt would be cut to nothing or run past what the model can read.
    const refused = await outcome(checkPersonasFitEngines(DEFAULT_PERSONAS, config, engines));
    engines = undefined;
    expect(refused).toMatchObject({ code: ErrorCodes.ConfigInvalid, details: { contextSize: SHORT } });
    const { message } = refused as Error;
    expect(message).toMatch(/^Persona \w+ \(\w+\) does not fit the 512 tokens LLM_MODEL was trained on \(LLM_CONTEXT_SIZE=4096\)/);
    // Raising LLM_CONTEXT_SIZE cannot help: it is already past the model's limit.
    expect(message).not.toMatch(/raise LLM_CONTEXT_SIZE/);
    expect(message).toMatch(/or use a model trained on a longer context\.$/);
  }, 60_000);

  it('classifies a text longer than the trained context with EMOTION_BACKEND=llm', async () => {
    engines = await createEngines(configFor(SHORT, 4_096), capturedLogger().logger, NO_METRICS);
    const [analysis] = await engines.classifier.classify(['so happy today! '.repeat(200)]);
    expect(EMOTIONS).toContain(analysis?.emotion);
  }, 60_000);

  it('with LLM_CONTEXT_SIZE within the trained context, starts without a warning and still advises raising it when a persona does not fit', async () => {
    const { logger, lines } = capturedLogger();
    const config = configFor(SHORT, 256);
    engines = await createEngines(config, logger, NO_METRICS);
    expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
    const refused = await outcome(checkPersonasFitEngines(DEFAULT_PERSONAS, config, engines));
    engines = undefined;
    expect((refused as Error).message).toMatch(/LLM_CONTEXT_SIZE=256 .*raise LLM_CONTEXT_SIZE\.$/s);
  }, 60_000);
});
