import { describe, expect, it } from 'vitest';
import { cleanReply } from '../../src/domain/clean-reply.js';

const speakers = ['アン', 'ボブ', 'Bob', 'Ann'];
const options = { personaName: 'Joy', maxChars: 2_000, speakers };

describe('a list in the persona reply naming members, written with CJK bullets, is the persona own words and stays', () => {
  it('keeps an English list of what members bring', () => {
    const raw = "Nice! Here is the plan:\n- Bob: the chips\n- Ann: the cake\nCan't wait!";
    expect(cleanReply(raw, options)).toBe(raw);
  });

  it.each([
    ['the katakana middle dot', '・ボブ：ポテト\n・アン：ケーキ'],
    ['the middle dot followed by a space', '・ ボブ：ポテト\n・ アン：ケーキ'],
    ['black circles', '●ボブ：ポテト\n●アン：ケーキ'],
    ['white circles', '○ボブ：ポテト\n○アン：ケーキ'],
    ['black squares', '■ボブ：ポテト\n■アン：ケーキ'],
    ['black diamonds', '◆ボブ：ポテト\n◆アン：ケーキ'],
    ['reference marks', '※ボブ：ポテト\n※アン：ケーキ'],
    ['small black squares', '▪ボブ：ポテト\n▪アン：ケーキ'],
    ['full-width digits and full stops', '１．ボブ：ポテト\n２．アン：ケーキ'],
    ['full-width digits and parentheses', '１）ボブ：ポテト\n２）アン：ケーキ'],
    ['circled digits', '①ボブ：ポテト\n②アン：ケーキ'],
  ])('keeps a Japanese list with %s as bullets', (_, list) => {
    const raw = `いいね！分担はこんな感じ：\n${list}\n楽しみ！`;
    expect(cleanReply(raw, options)).toBe(raw);
  });

  it('still cuts a line opened by a member name and a full-width colon, without a bullet', () => {
    expect(cleanReply('いいね！\nボブ：ポテト持ってくよ', options)).toBe('いいね！');
  });
});
