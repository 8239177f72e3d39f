import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

/** A URL (`https://…`, `data:…`) is not a path. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A path written in a settings file, read as its author means it: relative to the file's own
 * folder when something is there. Otherwise it is returned as written, for the working directory,
 * then the package (avatarPathFrom looks there for an avatar, whose bare name found nowhere is feelbot's art).
 */
export function relativeToFile(settingsFile: string, path: string): string {
  if (isAbsolute(path) || URL_SCHEME.test(path)) return path;
  const besideFile = resolve(dirname(settingsFile), path);
  return existsSync(besideFile) ? besideFile : path;
}
