import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';
import { relativeToFile } from './relative-to-file.js';

/**
 * An avatar named in a settings file (PERSONAS_FILE), read as its author means it: beside the
 * file, else in the working directory, else in the package. A bare name found in none of them is
 * feelbot's bundled art (AvatarStore), as the default personas' are; a path is kept as written.
 */
export function avatarPathFrom(settingsFile: string, avatar: string): string {
  const path = relativeToFile(settingsFile, avatar);
  if (path !== avatar || isAbsolute(avatar) || /^https?:\/\//i.test(avatar)) return path;
  return [resolve(process.cwd(), avatar), resolve(PACKAGE_ROOT, avatar)].find((candidate) => existsSync(candidate)) ?? avatar;
}

