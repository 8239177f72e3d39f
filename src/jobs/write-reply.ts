import { buildPrompt } from '../domain/build-prompt.js';
import { cleanReply } from '../domain/clean-reply.js';
import type { Persona } from '../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';

/**
 * The reply, cleaned; GENERATION_EMPTY when nothing visible is left. That is retried: sampling
 * writes another reply, and the retry keeps the start it claimed (the same reply id). `postsAs`,
 * the name the persona posts under (a server may rename it), tells its own earlier replies whose
 * persona was not noted from another's.
 */
export async function writeReply(
  job: ParsedMessageJob,
  deps: Pick<MessageJobDeps, 'generator' | 'personas' | 'typing' | 'logger' | 'metrics'>,
  persona: Persona,
  signal?: AbortSignal,
  postsAs: string = persona.name,
): Promise<string> {
  const prompt = buildPrompt({
    persona,
    context: job.context,
    message: { authorName: job.author.displayName, authorId: job.author.id, content: job.content },
    characterNames: Object.values(deps.personas).map((character) => character.name),
    postsAs,
  });
  deps.logger.debug({ persona: persona.name, prompt }, 'prompt');
  // "Typing" shows once the reply is being written, not while it waits for a sequence or is refused one.
  let stopTyping = () => undefined as void;
  const startTyping = () => {
    if (job.origin === 'discord' && job.typing) stopTyping = deps.typing.start(job.channelId);
  };
  try {
    // A LoRA persona whose sequences are busy gives the job's slot back (LLM_BUSY, retried shortly)
    // rather than holding it while other personas' replies could run.
    const result = await deps.generator.generate({ prompt, sampling: persona.sampling, loraPath: persona.lora, whenBusy: 'refuse', onStart: startTyping, signal });
    deps.metrics.observeGeneration('reply', result.tokens, result.totalMs / 1_000);
    deps.logger.debug({ tokens: result.tokens, ms: result.totalMs, raw: result.text }, 'generated');
    const content = cleanReply(result.text, {
      personaName: persona.name,
      // Its name here is its own too: "Sunny: …" is the persona's prefix, never another speaker's line.
      postsAs,
      maxChars: persona.maxReplyChars,
      truncated: result.truncated,
      // A stop at another speaker's line may come inside the persona's code block: it is closed.
      stoppedAtStopTrigger: result.stoppedAtStopTrigger,
      // The author's own text (the whole burst): only links they wrote may be repeated.
      answering: job.content,
      // Whom the prompt quoted: the reply ends where the model goes on as one of them.
      speakers: prompt.speakers,
    });
    if (!content) throw nothingVisible(persona, result.tokens);
    return content;
  } finally {
    stopTyping();
  }
}

function nothingVisible(persona: Persona, tokens: number): FeelbotError {
  return new FeelbotError(ErrorCodes.GenerationEmpty, `${persona.name}'s reply had nothing visible left to post.`, {
    permanent: false,
    details: { persona: persona.name, tokens },
  });
}
