import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feelbotCommand, flagOption, textOption } from '../support/feelbot-command.js';
import { FeelbotStack } from '../support/feelbot-stack.js';

/**
 * The gateway checks a look's name against the personas as the operator named them in
 * PERSONAS_FILE, not the shipped names. Real gateway process, fake Discord, private Redis.
 */
describe("a server's look checked against the operator's persona names", () => {
  let stack: FeelbotStack;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'feelbot-personas-'));
    const personasFile = join(dir, 'personas.json');
    writeFileSync(personasFile, JSON.stringify({ personas: { joy: { name: 'Pip' } } }));
    stack = await FeelbotStack.start();
    await stack.spawn('gateway', { PERSONAS_FILE: personasFile });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const persona = (name: string, displayName: string) =>
    feelbotCommand(stack.discord, stack.discord.world.users.admin.id, 'persona', [textOption('name', name), flagOption('enabled', true), textOption('display_name', displayName)]);

  it("refuses another persona the name the operator gave Joy, and allows the shipped name no persona has here", async () => {
    expect(await persona('anger', 'pip')).toMatch(/"pip" is already the name Pip \(the joy persona\) shows in this server/);
    expect(await persona('anger', 'Joy')).toMatch(/Anger is now allowed/);
  });
});
