import { readGgufFileInfo, type GgufFileInfo, type LlamaModel } from 'node-llama-cpp';

/** What llama.cpp compares when it applies an adapter: the architecture and the 2-D tensors' shapes. */
export interface GgufShapes {
  readonly architecture: string | undefined;
  /** Tensor name to its dimensions in GGUF order (ne[0] first); undefined when the file's tensor list was not read. */
  readonly tensors: ReadonlyMap<string, readonly number[]> | undefined;
}

const LORA_A = '.lora_a';
const LORA_B = '.lora_b';
/** llama.cpp's input embedding adapter has A and B the other way round (llm_build_inp_embd). */
const TOKEN_EMBEDDING = 'token_embd.weight';

function ggufShapes(info: GgufFileInfo): GgufShapes {
  const general = info.metadata.general as { architecture?: unknown } | undefined;
  const tensorInfo = info.fullTensorInfo ?? info.tensorInfo;
  return {
    architecture: typeof general?.architecture === 'string' ? general.architecture : undefined,
    tensors: tensorInfo && new Map(tensorInfo.map((tensor) => [tensor.name, tensor.dimensions.map(Number)])),
  };
}

const size = (dims: readonly number[]): string => dims.join('×');

/**
 * Why llama.cpp would refuse to apply the adapter to the model, checked as `llama_adapter_lora_init`
 * checks it (architecture, each adapted tensor's presence and shape); undefined when it fits.
 */
export function loraMismatch(lora: GgufShapes, model: GgufShapes): string | undefined {
  if (lora.architecture !== undefined && model.architecture !== undefined && lora.architecture !== model.architecture) {
    return `made for another base model: the adapter is for a ${JSON.stringify(lora.architecture)} model, LLM_MODEL is ${JSON.stringify(model.architecture)}`;
  }
  if (lora.tensors === undefined || model.tensors === undefined) return undefined;
  for (const [name, a] of lora.tensors) {
    if (!name.endsWith(LORA_A)) continue;
    const base = name.slice(0, -LORA_A.length);
    const b = lora.tensors.get(base + LORA_B);
    if (b === undefined) return `not a usable LoRA adapter: ${base} has ${LORA_A} without ${LORA_B}`;
    const target = model.tensors.get(base);
    if (target === undefined) return `made for another base model: the model has no ${base}`;
    const isEmbedding = base.endsWith(TOKEN_EMBEDDING);
    const adapted = isEmbedding ? [b[1], a[1]] : [a[0], b[1]];
    if (target[0] !== adapted[0] || target[1] !== adapted[1]) {
      return `made for another base model: ${base} is ${size(target.slice(0, 2))} in the model, the adapter is for ${size(adapted as number[])}`;
    }
    if (!isEmbedding && a[1] !== b[0]) {
      return `not a usable LoRA adapter: ${base}${LORA_A} is not transposed (an adapter from llama.cpp's old finetune example)`;
    }
  }
  return undefined;
}

/** The loaded model's shapes, read once for every adapter checked against it. */
export function modelShapes(model: LlamaModel): GgufShapes {
  return ggufShapes(model.fileInfo);
}

/** Why the adapter at `path` cannot be applied to a model of these shapes; undefined when it can. */
export async function loraModelMismatch(path: string, model: GgufShapes): Promise<string | undefined> {
  return loraMismatch(ggufShapes(await readGgufFileInfo(path, { readTensorInfo: true })), model);
}
