import { describe, expect, it } from 'vitest';
import { credentialsInUrl } from '../../src/adapters/logging/url-credentials.js';

describe('credentialsInUrl', () => {
  it("takes a pre-signed link's query values, as written and decoded", () => {
    const found = credentialsInUrl('https://bucket.example.com/model.gguf?X-Amz-Credential=AKIA%2F20261207&X-Amz-Signature=abc%2Bdef0123456789');
    expect(found).toEqual(expect.arrayContaining(['AKIA%2F20261207', 'AKIA/20261207', 'abc%2Bdef0123456789', 'abc+def0123456789']));
  });

  it('takes the user-info part, as written and decoded', () => {
    expect(credentialsInUrl('https://me:p%40ss%3Aword@example.com/m.gguf')).toEqual(expect.arrayContaining(['me', 'p%40ss%3Aword', 'p@ss:word']));
  });

  it('finds none in a Hugging Face model name, a path, a plain URL or nothing', () => {
    for (const value of ['hf:bartowski/gemma-2-2b-it-GGUF:Q4_K_M', '/models/llm/model.gguf', 'https://example.com/model.gguf', '', undefined]) {
      expect(credentialsInUrl(value), String(value)).toEqual([]);
    }
  });
});
