import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPersonas } from '../../src/adapters/files/persona-file.js';
import { DEFAULT_PERSONAS } from '../../src/domain/default-personas.js';
import { ErrorCodes, isFeelbotError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'feelbot-personas-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('persona override file', () => {
  it('changes only what it names; the rest keeps the defaults', async () => {
    const personas = await loadPersonas(
      file('ok.json', { personas: { joy: { name: 'Sunny', sampling: { temperature: 0.2, topP: 0.5, repeatPenalty: 1.2, maxTokens: 64 }, lora: 'adapters/joy.gguf' } } }),
    );
    expect(personas.joy.name).toBe('Sunny');
    expect(personas.joy.sampling.temperature).toBe(0.2);
    expect(personas.joy.lora).toBe('adapters/joy.gguf');
    expect(personas.joy.systemPrompt).toBe(DEFAULT_PERSONAS.joy.systemPrompt);
    expect(personas.fear).toEqual(DEFAULT_PERSONAS.fear);
  });

  it("reads a relative lora or avatar path from the file's own folder, wherever feelbot runs from", async () => {
    const folder = join(dir, 'operator-config');
    mkdirSync(join(folder, 'adapters'), { recursive: true });
    mkdirSync(join(folder, 'faces'), { recursive: true });
    for (const made of ['adapters/joy.gguf', 'faces/sunny.png', 'grumpy.png']) writeFileSync(join(folder, made), 'x');
    const path = join(folder, 'personas.json');
    writeFileSync(
      path,
      JSON.stringify({
        personas: {
          joy: { lora: 'adapters/joy.gguf', avatar: 'faces/sunny.png' },
          anger: { avatar: 'grumpy.png', lora: './adapters/missing.gguf' },
          fear: { avatar: 'https://cdn.example/fear.png' },
          love: { avatar: 'love.png' },
        },
      }),
    );
    const personas = await loadPersonas(path);
    expect(personas.joy.lora).toBe(join(folder, 'adapters/joy.gguf'));
    expect(personas.joy.avatar).toBe(join(folder, 'faces/sunny.png'));
    expect(personas.anger.avatar).toBe(join(folder, 'grumpy.png'));
    // Nothing beside the file: kept as written, for the working directory and the package, as before.
    expect(personas.anger.lora).toBe('./adapters/missing.gguf');
    expect(personas.love.avatar).toBe('love.png');
    expect(personas.fear.avatar).toBe('https://cdn.example/fear.png');
    expect(personas.sadness.avatar).toBe(DEFAULT_PERSONAS.sadness.avatar);
  });

  it('without a file, the defaults', async () => {
    expect(await loadPersonas(undefined)).toBe(DEFAULT_PERSONAS);
  });

  it('an invalid file names every problem', async () => {
    const error = await loadPersonas(file('bad.json', { personas: { joy: { name: 'Discord Joy', maxReplyChars: 9_999 }, rage: {} } })).catch((e: unknown) => e);
    expect(isFeelbotError(error, ErrorCodes.PersonaFileInvalid)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('personas.joy.name');
    expect(message).toContain('personas.joy.maxReplyChars');
    expect(message).toContain('rage');
  });

  it('a name Discord refuses for a webhook username ("clyde", over 80 characters) is refused at start-up', async () => {
    const error = await loadPersonas(file('clyde.json', { personas: { fear: { name: 'Clydesdale' }, love: { name: 'x'.repeat(81) } } })).catch((e: unknown) => e);
    expect(isFeelbotError(error, ErrorCodes.PersonaFileInvalid)).toBe(true);
    expect((error as Error).message).toContain('personas.fear.name');
    expect((error as Error).message).toContain('personas.love.name');
  });

  it('a file that is not JSON says so, with where the parser stopped', async () => {
    const error = await loadPersonas(file('broken.json', '{ nope')).catch((e: unknown) => e);
    expect(isFeelbotError(error, ErrorCodes.PersonaFileInvalid)).toBe(true);
    expect((error as Error).message).toMatch(/is not valid JSON \(.*position/);
  });

  it('a file that is not there says so, not that it is bad JSON', async () => {
    const error = await loadPersonas(join(dir, 'missing.json')).catch((e: unknown) => e);
    expect(isFeelbotError(error, ErrorCodes.PersonaFileInvalid)).toBe(true);
    expect((error as Error).message).toMatch(/cannot be read \(ENOENT\)/);
  });

  it('a file saved with a byte-order mark is read', async () => {
    const personas = await loadPersonas(file('bom.json', `\uFEFF${JSON.stringify({ personas: { joy: { name: 'Sunny' } } })}`));
    expect(personas.joy.name).toBe('Sunny');
  });

  it('a misspelt key is refused by name instead of being ignored', async () => {
    const error = await loadPersonas(file('typo.json', { personas: { joy: { systemPromt: 'You are a pirate.' } } })).catch((e: unknown) => e);
    expect(isFeelbotError(error, ErrorCodes.PersonaFileInvalid)).toBe(true);
    expect((error as Error).message).toContain('systemPromt');
    const topLevel = await loadPersonas(file('typo-top.json', { persona: { joy: { name: 'Sunny' } } })).catch((e: unknown) => e);
    expect((topLevel as Error).message).toContain('persona');
  });

  it('a prompt or name of blanks only is refused', async () => {
    const error = await loadPersonas(file('blank.json', { personas: { joy: { systemPrompt: '   ' }, anger: { voice: ' \n ' } } })).catch((e: unknown) => e);
    expect(isFeelbotError(error, ErrorCodes.PersonaFileInvalid)).toBe(true);
    expect((error as Error).message).toContain('personas.joy.systemPrompt');
    expect((error as Error).message).toContain('personas.anger.voice');
  });

  it('a sampling override changes only the settings it names', async () => {
    const personas = await loadPersonas(file('sampling.json', { personas: { joy: { sampling: { temperature: 0.3 } } } }));
    expect(personas.joy.sampling).toEqual({ ...DEFAULT_PERSONAS.joy.sampling, temperature: 0.3 });
  });
});
