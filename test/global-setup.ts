import { ensureLlamaFixtures } from './integration/llama/fixtures.js';

/** Builds the generated fixtures once per run, before any test file starts. */
export default function setup(): void {
  ensureLlamaFixtures();
}
