import { ensureLlamaFixtures } from './fixtures.js';

/** For a vitest `globalSetup` entry; each test file also ensures the fixtures itself. */
export default function setup(): void {
  ensureLlamaFixtures();
}
