import { access } from 'node:fs/promises';
import { resolveProjectPath } from '../files/package-root.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { asOutOfMemory } from './out-of-memory.js';
import type { PooledContext } from './pooled-context.js';
import type { GpuBackend } from './select-gpu.js';

/**
 * llama.cpp applies a LoRA adapter to a whole context, not to one sequence, so each adapter
 * gets its own small context, created on first use and kept until dispose. All of them share
 * the one loaded model; the cost per adapter is its weights plus that context's KV cache.
 */
export class LoraContexts {
  private readonly byPath = new Map<string, Promise<PooledContext>>();

  constructor(
    private readonly create: (loraPath: string) => Promise<PooledContext>,
    /** Where the contexts live, named by an LLM_OUT_OF_MEMORY error. */
    private readonly backend: GpuBackend,
  ) {}

  /** The context for `loraPath`, creating it on first use. */
  get(loraPath: string): Promise<PooledContext> {
    const path = resolveProjectPath(loraPath);
    let pending = this.byPath.get(path);
    if (pending === undefined) {
      pending = this.open(path);
      // A failed load is not cached, so fixing the file and retrying works.
      pending.catch(() => this.byPath.delete(path));
      this.byPath.set(path, pending);
    }
    return pending;
  }

  async dispose(): Promise<void> {
    const contexts = await Promise.allSettled(this.byPath.values());
    this.byPath.clear();
    for (const result of contexts) if (result.status === 'fulfilled') await result.value.context.dispose();
  }

  private async open(path: string): Promise<PooledContext> {
    try {
      await access(path);
    } catch (error) {
      throw new FeelbotError(ErrorCodes.ModelNotFound, `LoRA adapter not found: ${path}.`, {
        cause: error,
        userFacing: true,
        permanent: true,
        details: { path },
      });
    }
    try {
      return await this.create(path);
    } catch (error) {
      const tooLarge = asOutOfMemory(error, this.backend, `The context of LoRA adapter ${path}`);
      if (tooLarge !== error) throw tooLarge;
      const reason = error instanceof Error ? error.message : String(error);
      throw new FeelbotError(ErrorCodes.ModelCorrupt, `LoRA adapter ${path} could not be applied to the model (${reason}).`, {
        cause: error,
        userFacing: true,
        permanent: true,
        details: { path },
      });
    }
  }
}
