import { stat } from 'node:fs/promises';
import { readGgufFileInfo, type GgufFileInfo, type GgufTensorInfo } from 'node-llama-cpp';

/**
 * Elements per block and bytes per block of each ggml type, by its number in a GGUF tensor's info:
 * ggml's type_traits as the llama.cpp node-llama-cpp 3.21.1 ships reports them (its binding's
 * getBlockSizeForGgmlType / getTypeSizeForGgmlType), read here without loading the binding.
 */
const GGML_BLOCKS: ReadonlyMap<number, readonly [elements: number, bytes: number]> = new Map([
  [0, [1, 4]], // F32
  [1, [1, 2]], // F16
  [2, [32, 18]], // Q4_0
  [3, [32, 20]], // Q4_1
  [6, [32, 22]], // Q5_0
  [7, [32, 24]], // Q5_1
  [8, [32, 34]], // Q8_0
  [9, [32, 36]], // Q8_1
  [10, [256, 84]], // Q2_K
  [11, [256, 110]], // Q3_K
  [12, [256, 144]], // Q4_K
  [13, [256, 176]], // Q5_K
  [14, [256, 210]], // Q6_K
  [15, [256, 292]], // Q8_K
  [16, [256, 66]], // IQ2_XXS
  [17, [256, 74]], // IQ2_XS
  [18, [256, 98]], // IQ3_XXS
  [19, [256, 50]], // IQ1_S
  [20, [32, 18]], // IQ4_NL
  [21, [256, 110]], // IQ3_S
  [22, [256, 82]], // IQ2_S
  [23, [256, 136]], // IQ4_XS
  [24, [1, 1]], // I8
  [25, [1, 2]], // I16
  [26, [1, 4]], // I32
  [27, [1, 8]], // I64
  [28, [1, 8]], // F64
  [29, [256, 56]], // IQ1_M
  [30, [1, 2]], // BF16
  [34, [256, 54]], // TQ1_0
  [35, [256, 66]], // TQ2_0
  [39, [32, 17]], // MXFP4
  [40, [64, 36]], // NVFP4
  [41, [128, 18]], // Q1_0
  [42, [64, 18]], // Q2_0
]);

export type GgufCompleteness = { readonly whole: true } | { readonly whole: false; readonly reason: string };

/**
 * Whether `path` is a GGUF file that holds all its tensor data, as llama.cpp checks on load: the file
 * reaches the end of every tensor its header lists. Reads only the header (and the file's size).
 * One part of a split GGUF is checked on its own.
 */
export async function ggufCompleteness(path: string): Promise<GgufCompleteness> {
  let size: number;
  let info: GgufFileInfo;
  try {
    size = (await stat(path)).size;
    info = await readGgufFileInfo(path, { sourceType: 'filesystem', spliceSplitFiles: false, logWarnings: false });
  } catch (error) {
    return { whole: false, reason: `it cannot be read as a GGUF file: ${error instanceof Error ? error.message : String(error)}` };
  }
  // node-llama-cpp reads past the end of a file as zeros: a header cut short shows as data that ends past the file.
  const end = dataEnd(info);
  if (end <= BigInt(size)) return { whole: true };
  return { whole: false, reason: `it is ${size.toLocaleString('en-US')} bytes, and its GGUF header says its data runs to ${end.toLocaleString('en-US')}` };
}

/** Where the file's last byte of tensor data is: the header's end when it lists no tensors. */
function dataEnd(info: GgufFileInfo): bigint {
  let end = BigInt(info.infoEndOffset ?? 0);
  for (const tensor of info.tensorInfo ?? []) {
    const tensorEnd = BigInt(tensor.fileOffset) + tensorBytes(tensor);
    if (tensorEnd > end) end = tensorEnd;
  }
  return end;
}

/** ggml_nbytes of a contiguous tensor; 0 for a type this table does not know, so only where its data starts counts. */
function tensorBytes(tensor: GgufTensorInfo): bigint {
  const block = GGML_BLOCKS.get(tensor.ggmlType);
  if (!block) return 0n;
  const elements = tensor.dimensions.reduce<bigint>((product, dimension) => product * BigInt(dimension), 1n);
  return (elements * BigInt(block[1])) / BigInt(block[0]);
}
