/** Builds the generated fixtures once per run, before any test file starts. */
export default async function setup(): Promise<void> {
  // Filled in as fixtures arrive: the tiny GGUF and its LoRA adapter.
}
