import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Persona } from '../../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { IMAGE_FORMATS, imageTypeOf, type ImageType } from './image-type.js';
import { PACKAGE_ROOT, resolveProjectPath } from './package-root.js';

export const AVATARS_DIR = join(PACKAGE_ROOT, 'assets', 'avatars');

export interface AvatarImage {
  readonly fileName: string;
  readonly bytes: Buffer;
  /** What the bytes are, whatever the file is called: how uploads to Discord label them. */
  readonly contentType: ImageType;
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
    const { bytes, contentType } = await this.image(persona);
    return `data:${contentType};base64,${bytes.toString('base64')}`;
  }
}

/** A bare name (the defaults' `joy.png`) is feelbot's bundled art; a path is read from the working directory, then the package. */
async function readAvatar(avatar: string): Promise<AvatarImage> {
  const path = avatar.includes('/') ? resolveProjectPath(avatar) : join(AVATARS_DIR, avatar);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw invalidAvatar(`Avatar image ${path} cannot be read.`, cause);
  }
  // Discord refuses anything else, so every upload of it (an emoji, a webhook's avatar) would fail.
  const contentType = imageTypeOf(bytes);
  if (!contentType) throw invalidAvatar(`Avatar image ${path} is no ${IMAGE_FORMATS} image.`);
  return { fileName: basename(path), bytes, contentType };
}

function invalidAvatar(message: string, cause?: unknown): FeelbotError {
  return new FeelbotError(ErrorCodes.PersonaFileInvalid, message, { cause, userFacing: true, permanent: true });
}
