import { describe, expect, it } from 'vitest';
import { cleanReply } from '../../src/domain/clean-reply.js';

const options = { personaName: 'Joy', maxChars: 600 };

describe('a reply cut at its token limit ends at its last full sentence in every script (README: no half sentence where one ended)', () => {
  it('English: the unfinished sentence goes (the behaviour the other scripts should match)', () => {
    expect(cleanReply('I am so happy for you! This is the best thing that has happ', { ...options, truncated: true })).toBe('I am so happy for you!');
  });

  it('Hindi: a sentence ended with the danda (।) is kept, the unfinished one goes', () => {
    expect(cleanReply('मैं तुम्हारे लिए बहुत खुश हूँ। नई नौकरी के लिए बधाई! क्या तुम जश्न', { ...options, truncated: true })).toBe(
      'मैं तुम्हारे लिए बहुत खुश हूँ। नई नौकरी के लिए बधाई!',
    );
    expect(cleanReply('मैं तुम्हारे लिए बहुत खुश हूँ। क्या तुम जश्न', { ...options, truncated: true })).toBe('मैं तुम्हारे लिए बहुत खुश हूँ।');
  });

  it('Arabic: a sentence ended with the Arabic question mark (؟) is kept, the unfinished one goes', () => {
    expect(cleanReply('هل حصلت على الوظيفة حقا؟ هذا رائع جدا و', { ...options, truncated: true })).toBe('هل حصلت على الوظيفة حقا؟');
  });

  it('Urdu: a sentence ended with the Arabic full stop (۔) is kept, the unfinished one goes', () => {
    expect(cleanReply('میں آپ کے لیے بہت خوش ہوں۔ نئی نوکری کی بہت', { ...options, truncated: true })).toBe('میں آپ کے لیے بہت خوش ہوں۔');
  });

  it('a Hindi reply past maxReplyChars is cut at a sentence end, not mid-sentence with "…"', () => {
    const sentence = 'मैं तुम्हारे लिए बहुत खुश हूँ। ';
    const reply = sentence.repeat(30).trim();
    const cut = cleanReply(reply, { personaName: 'Joy', maxChars: 200 });
    expect(cut.endsWith('।')).toBe(true);
  });

  it('a danda or Burmese full stop with no space after it still ends the sentence', () => {
    expect(cleanReply('मैं बहुत खुश हूँ।क्या तुम जश्न', { ...options, truncated: true })).toBe('मैं बहुत खुश हूँ।');
    expect(cleanReply('ဝမ်းသာပါတယ်။အလုပ်သစ်', { ...options, truncated: true })).toBe('ဝမ်းသာပါတယ်။');
  });
});
