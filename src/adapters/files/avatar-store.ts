import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Persona } from '../../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { PACKAGE_ROOT, resolveProjectPath } from './package-root.js';

export const AVATARS_DIR = join(PACKAGE_ROOT, 'assets', 'avatars');

export interface AvatarImage {
  readonly fileName: string;
  readonly bytes: Buffer;
}

/** Reads the avatar images the project ships (or an operator's own files) once each. */
export class AvatarStore {
  private readonly cache = new Map<string, Promise<AvatarImage>>();

  /** The persona's public avatar URL, when it has one or the operator hosts the images. */
  publicUrl(persona: Persona, baseUrl: string | undefined): string | undefined {
    if (/^https?:\/\//i.test(persona.avatar)) return persona.avatar;
    return baseUrl ? `${baseUrl}/${basename(persona.avatar)}` : undefined;
  }

  image(persona: Persona): Promise<AvatarImage> {
    let image = this.cache.get(persona.avatar);
    if (!image) {
      image = readAvatar(persona.avatar);
      image.catch(() => this.cache.delete(persona.avatar));
      this.cache.set(persona.avatar, image);
    }
    return image;
  }

  async dataUri(persona: Persona): Promise<string> {
    const { bytes } = await this.image(persona);
    return `data:image/png;base64,${bytes.toString('base64')}`;
  }
}

async function readAvatar(avatar: string): Promise<AvatarImage> {
  const path = avatar.includes('/') ? resolveProjectPath(avatar) : join(AVATARS_DIR, avatar);
  try {
    return { fileName: basename(path), bytes: await readFile(path) };
  } catch (cause) {
    throw new FeelbotError(ErrorCodes.PersonaFileInvalid, `Avatar image ${path} cannot be read.`, {
      cause,
      userFacing: true,
      permanent: true,
    });
  }
}
