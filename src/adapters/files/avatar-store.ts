import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Persona } from '../../domain/persona.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { avatarAttachmentName } from './avatar-attachment-name.js';
import { IMAGE_FORMATS, imageTypeOf, type ImageType } from './image-type.js';
import { PACKAGE_ROOT, resolveProjectPath } from './package-root.js';

export const AVATARS_DIR = join(PACKAGE_ROOT, 'assets', 'avatars');

interface AvatarFile {
  readonly bytes: Buffer;
  /** What the bytes are, whatever the file is called: how uploads to Discord label them. */
  readonly contentType: ImageType;
}

export interface AvatarImage extends AvatarFile {
  /** The name it is uploaded under, which `attachment://` finds: the persona's, never the operator's file name. */
  readonly fileName: string;
}

/** Reads the avatar images the project ships (or an operator's own files) once each. */
export class AvatarStore {
  private readonly cache = new Map<string, Promise<AvatarFile>>();

  /** The persona's public avatar URL, when it has one or the operator hosts the images. */
  publicUrl(persona: Persona, baseUrl: string | undefined): string | undefined {
    if (/^https?:\/\//i.test(persona.avatar)) return persona.avatar;
    return baseUrl ? `${baseUrl}/${basename(persona.avatar)}` : undefined;
  }

  async image(persona: Persona): Promise<AvatarImage> {
    const file = await this.file(persona.avatar);
    return { ...file, fileName: avatarAttachmentName(persona.emotion, file.contentType) };
  }

  async dataUri(persona: Persona): Promise<string> {
    const { bytes, contentType } = await this.image(persona);
    return `data:${contentType};base64,${bytes.toString('base64')}`;
  }

  /** One read per file, which personas sharing it share too; a failed read is tried again next time. */
  private file(avatar: string): Promise<AvatarFile> {
    let file = this.cache.get(avatar);
    if (!file) {
      file = readAvatar(avatar);
      file.catch(() => this.cache.delete(avatar));
      this.cache.set(avatar, file);
    }
    return file;
  }
}

/** A bare name (the defaults' `joy.png`) is feelbot's bundled art; a path is read from the working directory, then the package. */
async function readAvatar(avatar: string): Promise<AvatarFile> {
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
  return { bytes, contentType };
}

function invalidAvatar(message: string, cause?: unknown): FeelbotError {
  return new FeelbotError(ErrorCodes.PersonaFileInvalid, message, { cause, userFacing: true, permanent: true });
}
