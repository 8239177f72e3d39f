import { describe, expect, it } from 'vitest';
import { cleanReply } from '../../src/domain/clean-reply.js';

const options = { personaName: 'Joy', maxChars: 600, speakers: ['Alice', 'Sadness', 'Sadness (character)'] };

describe("the prompt's character tag never reaches a post", () => {
  it('a reply that is only the persona\'s tag ("Joy (character)", no colon) has nothing visible to post, as "Joy (character):" has not', () => {
    expect(cleanReply('Joy (character):', options)).toBe('');
    expect(cleanReply('Joy (character)', options)).toBe('');
  });

  it('a reply the model heads with its own tag on a line of its own posts without it', () => {
    expect(cleanReply('Joy (character)\nSo happy for you, Alice!', options)).toBe('So happy for you, Alice!');
  });

  it('drops a bold or underlined name or tag alone on the first line, and keeps the markdown of the next', () => {
    expect(cleanReply('**Joy (character)**\nSo happy for you!', options)).toBe('So happy for you!');
    expect(cleanReply('__Joy__\n**So** happy for you!', options)).toBe('**So** happy for you!');
  });

  it('keeps a first line that only begins with the name', () => {
    expect(cleanReply('Joy is contagious!\nCongrats, Alice!', options)).toBe('Joy is contagious!\nCongrats, Alice!');
    expect(cleanReply('Joyful news!', options)).toBe('Joyful news!');
    expect(cleanReply('Joy!\nCongrats!', options)).toBe('Joy!\nCongrats!');
  });
});
