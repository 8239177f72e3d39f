import type { GenerationKind, Metrics } from '../ports/metrics.js';
import type { ReplyGenerator } from '../ports/reply-generator.js';

/**
 * `generator` for the generations of one kind, each observed for how long it waited for its
 * sequence: from the call to its onStart, which a refused or cancelled generation never reaches.
 */
export function measureSequenceWait(generator: ReplyGenerator, kind: GenerationKind, metrics: Metrics): ReplyGenerator {
  return {
    parallelism: generator.parallelism,
    generate(request) {
      const called = performance.now();
      const onStart = (): void => {
        metrics.observeGenerationWait(kind, (performance.now() - called) / 1_000);
        request.onStart?.();
      };
      return generator.generate({ ...request, onStart });
    },
    dispose: () => generator.dispose(),
  };
}
