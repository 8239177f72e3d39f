import { describe, expect, it } from 'vitest';
import { UNREADABLE_TEXT_ANALYSIS } from '../../src/domain/unreadable-text.js';
import { handleAnalysisJob } from '../../src/jobs/handle-analysis-job.js';
import type { EmotionAnalysis } from '../../src/ports/emotion-classifier.js';
import type { InteractionResponse } from '../../src/ports/interaction-responder.js';
import { buildAnalysis, buildAnalysisJob, buildAnalysisJobDeps } from '../factories.js';

/** The use case's parts in memory; `answers` are the edits of the /feel's "thinking…". */
function recordingDeps(analysis: EmotionAnalysis = buildAnalysis()) {
  const answers: InteractionResponse[] = [];
  const deps = buildAnalysisJobDeps({
    classifier: { classify: async (texts) => texts.map(() => analysis), dispose: async () => undefined },
    responder: { editOriginal: async (_app, _token, response) => void answers.push(response), hasAnswered: async () => answers.length > 0, answerPrivately: async () => undefined },
  });
  return { deps, answers };
}

/** A run of the job asked whether it still holds it; `holds` is the answer. */
function run(holds: boolean) {
  const asked: boolean[] = [];
  return { asked, started: 1, holdsJob: async () => (asked.push(holds), holds) };
}

describe('a /feel run paused past its job lock (docker pause, a VM stall, Redis out of reach)', () => {
  it('that lost its job before answering edits nothing, which would replace the card the run holding the job answered with: JOB_LOST', async () => {
    const { deps, answers } = recordingDeps();
    await expect(handleAnalysisJob(buildAnalysisJob(), deps, undefined, run(false))).rejects.toMatchObject({ code: 'JOB_LOST' });
    expect(answers).toEqual([]);
  });

  it('nor "no emotion found" for a text it could not read', async () => {
    const { deps, answers } = recordingDeps(UNREADABLE_TEXT_ANALYSIS);
    await expect(handleAnalysisJob(buildAnalysisJob({ text: 'https://example.com/x' }), deps, undefined, run(false))).rejects.toMatchObject({ code: 'JOB_LOST' });
    expect(answers).toEqual([]);
  });

  it('that still holds its job answers, asked once, just before the edit', async () => {
    const { deps, answers } = recordingDeps();
    const holding = run(true);
    expect(await handleAnalysisJob(buildAnalysisJob(), deps, undefined, holding)).toMatchObject({ status: 'answered', emotion: 'joy' });
    expect(holding.asked).toEqual([true]);
    expect(answers).toHaveLength(1);
  });
});
