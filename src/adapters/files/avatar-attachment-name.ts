import type { Emotion } from '../../domain/emotions.js';
import type { ImageType } from './image-type.js';

/** The extension Discord expects on an attached file of each image type an avatar may be. */
const EXTENSIONS = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
} as const satisfies Record<ImageType, string>;

/**
 * The file name a persona's avatar is uploaded under, and so the `attachment://` an embed shows it
 * by. Not the operator's own file name: Discord resolves only ASCII letters, digits, `_`, `-` and
 * `.` with an image extension (API Reference, Uploading Files), and feelbot takes "Sunny Face.png"
 * or an extensionless "sunny" by their bytes. The `avatar-` prefix keeps it apart from the /feel
 * chart's `emotions.png` on the same message.
 */
export function avatarAttachmentName(emotion: Emotion, contentType: ImageType): string {
  return `avatar-${emotion}.${EXTENSIONS[contentType]}`;
}
