/** Draws the six persona avatars into assets/avatars/. Run: npx tsx scripts/make-avatars.ts */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AVATARS_DIR } from '../src/adapters/files/avatar-store.js';
import { drawAvatar } from '../src/adapters/images/draw-avatar.js';
import { DEFAULT_PERSONAS } from '../src/domain/default-personas.js';
import { EMOTIONS } from '../src/domain/emotions.js';

await mkdir(AVATARS_DIR, { recursive: true });
for (const emotion of EMOTIONS) {
  const persona = DEFAULT_PERSONAS[emotion];
  const path = join(AVATARS_DIR, persona.avatar);
  await writeFile(path, drawAvatar(emotion, persona.color));
  console.log(`wrote ${path}`);
}
