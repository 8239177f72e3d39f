import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { avatarAttachmentName } from '../../src/adapters/files/avatar-attachment-name.js';
import { AVATARS_DIR, AvatarStore } from '../../src/adapters/files/avatar-store.js';
import { loadPersonas } from '../../src/adapters/files/persona-file.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import { EMOTIONS } from '../../src/domain/emotions.js';
import { CHART_FILE } from '../../src/jobs/analysis-card.js';
import { checkAvatarFiles } from '../../src/worker/check-avatar-files.js';

/** The first bytes of each image format Discord takes as an avatar, the way their files begin. */
const IMAGE_HEADS = {
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  gif: Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00', 'latin1'),
  webp: Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x1a, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.alloc(8)]),
} as const;

const startedIn = process.cwd();
afterEach(() => process.chdir(startedIn));

/** A folder with PERSONAS_FILE in a subfolder, as an operator keeps one: `config/personas.json`. */
function operatorFolder(personas: unknown): { work: string; file: string } {
  const work = mkdtempSync(join(tmpdir(), 'feelbot-avatars-'));
  mkdirSync(join(work, 'config'));
  writeFileSync(join(work, 'config', 'personas.json'), JSON.stringify({ personas }));
  return { work, file: join('config', 'personas.json') };
}

describe("where a persona's avatar file is read from", () => {
  it('a bare file name not beside PERSONAS_FILE is read from the working directory', async () => {
    const { work, file } = operatorFolder({ joy: { name: 'Sunny', avatar: 'sunny.png' } });
    copyFileSync(join(AVATARS_DIR, 'joy.png'), join(work, 'sunny.png'));
    process.chdir(work);
    const personas = await loadPersonas(file);
    await expect(checkAvatarFiles(personas, new AvatarStore(), undefined)).resolves.toBeUndefined();
    expect((await new AvatarStore().image(personas.joy)).bytes.equals(readFileSync(join(AVATARS_DIR, 'joy.png')))).toBe(true);
  });

  it("a bare file name found neither beside PERSONAS_FILE nor in the working directory is feelbot's bundled art", async () => {
    const { work, file } = operatorFolder({ sadness: { avatar: 'love.png' } });
    process.chdir(work);
    const personas = await loadPersonas(file);
    expect((await new AvatarStore().image(personas.sadness)).bytes.equals(readFileSync(join(AVATARS_DIR, 'love.png')))).toBe(true);
  });

  it("the default personas show the bundled art, also where the working directory holds a file of the same name", async () => {
    const { work } = operatorFolder({});
    writeFileSync(join(work, 'joy.png'), IMAGE_HEADS.gif);
    process.chdir(work);
    expect((await new AvatarStore().image(DEFAULT_PERSONAS.joy)).bytes.equals(readFileSync(join(AVATARS_DIR, 'joy.png')))).toBe(true);
  });
});

describe('an avatar file that is no image', () => {
  it('a text file named as the avatar stops start-up with PERSONA_FILE_INVALID, naming the persona and the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feelbot-avatars-'));
    writeFileSync(join(dir, 'joy-notes.txt'), 'TODO: draw Joy\n');
    writeFileSync(join(dir, 'personas.json'), JSON.stringify({ personas: { joy: { avatar: 'joy-notes.txt' } } }));
    const personas = await loadPersonas(join(dir, 'personas.json'));
    const failure = await checkAvatarFiles(personas, new AvatarStore(), undefined).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'PERSONA_FILE_INVALID', details: { unreadable: [{ persona: 'joy' }] } });
    expect((failure as Error).message).toContain(join(dir, 'joy-notes.txt'));
    expect((failure as Error).message).toMatch(/PNG, JPEG, GIF or WebP/);
  });

  it('PNG, JPEG, GIF and WebP files pass, each sent to Discord as its own type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feelbot-avatars-'));
    for (const [format, head] of Object.entries(IMAGE_HEADS)) writeFileSync(join(dir, `face.${format}`), head);
    const avatars = new AvatarStore();
    const uriOf = (avatar: string) => avatars.dataUri({ ...DEFAULT_PERSONAS.joy, avatar });
    expect(await uriOf(join(AVATARS_DIR, 'joy.png'))).toMatch(/^data:image\/png;base64,/);
    expect(await uriOf(join(dir, 'face.jpeg'))).toMatch(/^data:image\/jpeg;base64,/);
    expect(await uriOf(join(dir, 'face.gif'))).toMatch(/^data:image\/gif;base64,/);
    expect(await uriOf(join(dir, 'face.webp'))).toMatch(/^data:image\/webp;base64,/);
    expect(await avatars.image({ ...DEFAULT_PERSONAS.joy, avatar: join(dir, 'face.jpeg') })).toMatchObject({ fileName: 'avatar-joy.jpg', contentType: 'image/jpeg' });
  });
});

describe("the name a persona's avatar is attached under", () => {
  /** Discord's rule for `attachment://<name>` in an embed (API Reference, Uploading Files). */
  const EMBEDDABLE = /^[A-Za-z0-9_.-]+\.(png|jpe?g|gif|webp)$/;

  it('is avatar-<emotion> with the extension of what the bytes are, whatever the file is called', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feelbot-avatars-'));
    const files = { 'Sunny Face.png': readFileSync(join(AVATARS_DIR, 'joy.png')), 'süß.jpeg': IMAGE_HEADS.jpeg, sunny: IMAGE_HEADS.gif, 'face.png': IMAGE_HEADS.webp };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const avatars = new AvatarStore();
    const nameOf = async (file: string) => (await avatars.image({ ...DEFAULT_PERSONAS.joy, avatar: join(dir, file) })).fileName;
    expect(await nameOf('Sunny Face.png')).toBe('avatar-joy.png');
    expect(await nameOf('süß.jpeg')).toBe('avatar-joy.jpg');
    expect(await nameOf('sunny')).toBe('avatar-joy.gif');
    expect(await nameOf('face.png')).toBe('avatar-joy.webp');
  });

  it('names each persona sharing one avatar file after itself', async () => {
    const avatars = new AvatarStore();
    const shared = join(AVATARS_DIR, 'love.png');
    expect((await avatars.image({ ...DEFAULT_PERSONAS.love, avatar: shared })).fileName).toBe('avatar-love.png');
    expect((await avatars.image({ ...DEFAULT_PERSONAS.sadness, avatar: shared })).fileName).toBe('avatar-sadness.png');
  });

  it("is one Discord shows in an embed, and never the /feel chart's", () => {
    for (const emotion of EMOTIONS) {
      for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const) {
        const name = avatarAttachmentName(emotion, type);
        expect(name).toMatch(EMBEDDABLE);
        expect(name).not.toBe(CHART_FILE);
      }
    }
  });
});
