import { readGgufFileInfo } from 'node-llama-cpp';

/** Why the file is not a GGUF LoRA adapter, read from its header alone; undefined when it is one. */
export async function loraAdapterProblem(path: string): Promise<string | undefined> {
  try {
    const { metadata } = await readGgufFileInfo(path, { readTensorInfo: false });
    const general = metadata.general as { type?: unknown } | undefined;
    const adapter = (metadata as { adapter?: { type?: unknown } }).adapter;
    if (general?.type !== 'adapter' || adapter?.type !== 'lora') {
      return `not a LoRA adapter (its GGUF header says general.type ${JSON.stringify(general?.type ?? null)})`;
    }
    return undefined;
  } catch (error) {
    return `not a readable GGUF file (${error instanceof Error ? error.message : String(error)})`;
  }
}
