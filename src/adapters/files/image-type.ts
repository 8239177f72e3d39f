/** The image formats Discord takes as an avatar or an emoji, by how their files begin. */
const SIGNATURES = [
  { type: 'image/png', at: 0, bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', at: 0, bytes: Buffer.from([0xff, 0xd8, 0xff]) },
  { type: 'image/gif', at: 0, bytes: Buffer.from('GIF87a') },
  { type: 'image/gif', at: 0, bytes: Buffer.from('GIF89a') },
  // A RIFF container (its size in bytes 4 to 7) holding WebP.
  { type: 'image/webp', at: 0, bytes: Buffer.from('RIFF'), then: { at: 8, bytes: Buffer.from('WEBP') } },
] as const;

export type ImageType = (typeof SIGNATURES)[number]['type'];

export const IMAGE_FORMATS = 'PNG, JPEG, GIF or WebP';

/** The MIME type of a PNG, JPEG, GIF or WebP file from its first bytes; undefined for anything else. */
export function imageTypeOf(bytes: Buffer): ImageType | undefined {
  const startsWith = (at: number, expected: Buffer) => bytes.subarray(at, at + expected.length).equals(expected);
  return SIGNATURES.find((signature) => startsWith(signature.at, signature.bytes) && (!('then' in signature) || startsWith(signature.then.at, signature.then.bytes)))?.type;
}
