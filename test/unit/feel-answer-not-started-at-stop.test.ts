import { describe, expect, it } from 'vitest';
import { UNREADABLE_TEXT_ANALYSIS } from '../../src/domain/unreadable-text.js';
import { handleAnalysisJob } from '../../src/jobs/handle-analysis-job.js';
import type { EmotionAnalysis } from '../../src/ports/emotion-classifier.js';
import type { InteractionResponse } from '../../src/ports/interaction-responder.js';
import { cutOffByShutdown } from '../../src/worker/cut-off-by-shutdown.js';
import { buildAnalysis, buildAnalysisJob, buildAnalysisJobDeps } from '../factories.js';

function closedSends(): AbortSignal {
  const sendsClosed = new AbortController();
  sendsClosed.abort(new Error('The worker is stopping: a send started now could outlast its stop.'));
  return sendsClosed.signal;
}

/** The use case's parts in memory; `answers` are every response sent, in place or privately. */
function recordingDeps(analysis: EmotionAnalysis = buildAnalysis()) {
  const answers: Array<string | InteractionResponse> = [];
  const deps = buildAnalysisJobDeps({
    classifier: { classify: async (texts) => texts.map(() => analysis), dispose: async () => undefined },
    responder: {
      editOriginal: async (_app, _token, response) => void answers.push(response),
      hasAnswered: async () => answers.length > 0,
      answerPrivately: async (_app, _token, response) => void answers.push(response),
    },
  });
  return { deps, answers };
}

/** A run of a stopping worker that still holds its job; `asked` counts its holdsJob calls. */
function stoppingRun(sendsClosed: AbortSignal) {
  const run = { started: 1, asked: 0, sendsClosed, holdsJob: async () => (run.asked++, true) };
  return run;
}

describe('a /feel answer a stopping worker does not start (its post could outlast the stop)', () => {
  it("sends no card and fails with the closed sends' reason, a cut by the shutdown that puts the job back in the queue", async () => {
    const { deps, answers } = recordingDeps();
    const sendsClosed = closedSends();
    const run = stoppingRun(sendsClosed);
    const error: unknown = await handleAnalysisJob(buildAnalysisJob(), deps, undefined, run).then(
      (outcome) => expect.fail(`answered anyway: ${JSON.stringify(outcome)}`),
      (thrown: unknown) => thrown,
    );
    expect(error).toBe(sendsClosed.reason);
    expect(cutOffByShutdown(error, new AbortController().signal, sendsClosed)).toBe(true);
    expect(answers).toEqual([]);
    // Refused before asking: extending the lock of a job about to go back to the queue serves nothing.
    expect(run.asked).toBe(0);
  });

  it('nor "no emotion found" for a text it could not read', async () => {
    const { deps, answers } = recordingDeps(UNREADABLE_TEXT_ANALYSIS);
    const sendsClosed = closedSends();
    await expect(handleAnalysisJob(buildAnalysisJob({ text: 'https://example.com/x' }), deps, undefined, stoppingRun(sendsClosed))).rejects.toBe(sendsClosed.reason);
    expect(answers).toEqual([]);
  });

  it('while sends are still open, answers as before', async () => {
    const { deps, answers } = recordingDeps();
    const run = stoppingRun(new AbortController().signal);
    expect(await handleAnalysisJob(buildAnalysisJob(), deps, undefined, run)).toMatchObject({ status: 'answered', emotion: 'joy' });
    expect(answers).toHaveLength(1);
    expect(run.asked).toBe(1);
  });
});
