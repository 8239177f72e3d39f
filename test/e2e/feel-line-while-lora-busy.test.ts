import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTinyLora } from '../../scripts/fixtures/tiny-lora.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import { analysisJobId } from '../../src/jobs/analysis-job.js';
import { messageJobId } from '../../src/jobs/message-job.js';
import { FeelbotStack } from '../support/feelbot-stack.js';
import { GENERATED_DIR, slowModelPath } from '../support/fixtures.js';

/** slowModelPath()'s shape: the LoRA must be made for the model it is applied to. */
const SLOW_SHAPE = { embedding: 512, layers: 12, heads: 8, kvHeads: 4, feedForward: 1_536, vocab: 512, weightType: 'Q8_0' } as const;

/** Joy on a LoRA with a reply long enough (tens of seconds on the slow model) to keep its one sequence busy; the others short. */
function joyOnLoraPersonaFile(): string {
  const lora = `${GENERATED_DIR}slow-lora.gguf`;
  writeTinyLora(lora, { model: { shape: SLOW_SHAPE } });
  const path = `${GENERATED_DIR}joy-on-slow-lora.json`;
  const personas = Object.fromEntries(
    Object.values(DEFAULT_PERSONAS).map((persona) => [
      persona.emotion,
      persona.emotion === 'joy' ? { lora, sampling: { ...persona.sampling, maxTokens: 1_024 }, maxReplyChars: 2_000 } : { sampling: { ...persona.sampling, maxTokens: 16 } },
    ]),
  );
  writeFileSync(path, JSON.stringify({ personas }));
  return path;
}

describe('a LoRA persona and the base personas on one worker (real processes, slow model)', () => {
  let stack: FeelbotStack | undefined;
  afterEach(async (context) => {
    await stack?.stop(context);
    stack = undefined;
  });

  it("a /feel whose LoRA persona's context is busy writes its line on the idle base context, holding up neither itself nor another persona's reply", async () => {
    stack = await FeelbotStack.start();
    // Two worker slots and two base sequences; Joy's LoRA context has one sequence.
    const worker = await stack.spawn('worker', { LLM_MODEL: slowModelPath(), PERSONAS_FILE: joyOnLoraPersonaFile(), LLM_SEQUENCES: '2', LLM_LORA_SEQUENCES: '1', LLM_TIMEOUT_MS: '40000' });
    await stack.spawn('gateway');

    // Joy's long reply takes the LoRA context's one sequence.
    const joyful = stack.mention('I finally got the job, I am so happy!');
    await worker.waitForLog((line) => line.msg === 'prompt' && line.jobId === messageJobId(joyful.id) && line.persona === 'Joy', 60_000);
    // A /feel whose line is Joy's, and another persona's reply, both for the worker's other slot.
    const feel = stack.feel('I got the job, I am so happy!');
    const sad = stack.mention('my exam went so badly, I feel awful');
    const sadDone = await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(sad.id), 90_000);
    const feelDone = await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === analysisJobId(feel.id), 90_000);
    const joyDone = await worker.waitForLog((line) => line.msg === 'job done' && line.jobId === messageJobId(joyful.id), 90_000);

    // Both ran on the base context while Joy's LoRA reply was still being written, the /feel with Joy's line.
    expect({ sadBeforeJoy: Number(sadDone.time) < Number(joyDone.time), feelBeforeJoy: Number(feelDone.time) < Number(joyDone.time) }).toEqual({ sadBeforeJoy: true, feelBeforeJoy: true });
    expect(feelDone.outcome).toMatchObject({ status: 'answered', persona: 'joy' });
    expect(worker.logs.find((line) => line.jobId === analysisJobId(feel.id) && line.code === 'LLM_BUSY')?.msg).toBe('written on the base context: its LoRA context was busy');
    const card = (stack.discord.interactionResponses(feel.id).at(-1)!.body.embeds as Array<{ description?: string }>)[0]!;
    expect(card.description).toMatch(/\S/);
  }, 180_000);
});
