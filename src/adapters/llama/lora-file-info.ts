import { readGgufFileInfo } from 'node-llama-cpp';
import { incompleteModel } from './whole-model.js';

/**
 * Why the file is not a whole GGUF LoRA adapter, read from its header and its size; undefined when
 * it is one. A copy or download cut short keeps a readable header: only its size against the data
 * the header lists tells, and llama.cpp would refuse it at every reply of its persona.
 */
export async function loraAdapterProblem(path: string): Promise<string | undefined> {
  try {
    const { metadata } = await readGgufFileInfo(path, { readTensorInfo: false });
    const general = metadata.general as { type?: unknown } | undefined;
    const adapter = (metadata as { adapter?: { type?: unknown } }).adapter;
    if (general?.type !== 'adapter' || adapter?.type !== 'lora') {
      return `not a LoRA adapter (its GGUF header says general.type ${JSON.stringify(general?.type ?? null)})`;
    }
  } catch (error) {
    return `not a readable GGUF file (${error instanceof Error ? error.message : String(error)})`;
  }
  return (await incompleteModel(path))?.message;
}
