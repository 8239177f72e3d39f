import { describe, expect, it } from 'vitest';
import { parseLabelledLines } from '../../src/domain/labelled-text.js';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';

function failure(content: string): FeelbotError {
  try {
    parseLabelledLines(content);
  } catch (error) {
    if (error instanceof FeelbotError) return error;
    throw error;
  }
  throw new Error('expected parseLabelledLines to fail');
}

describe('parseLabelledLines', () => {
  it('splits on the last ";", reads labels in any case and skips blank lines', () => {
    expect(parseLabelledLines('a;b; c;Joy\n\n  \nok see you at 5; NEUTRAL \n')).toEqual([
      { text: 'a;b; c', label: 'joy', line: 1 },
      { text: 'ok see you at 5', label: 'neutral', line: 4 },
    ]);
  });

  it('reads Windows line ends, a byte-order mark and a text;label header line', () => {
    expect(parseLabelledLines('\uFEFFtext;label\r\ni feel calm;joy\r\ni am furious;anger\r\n')).toEqual([
      { text: 'i feel calm', label: 'joy', line: 2 },
      { text: 'i am furious', label: 'anger', line: 3 },
    ]);
  });

  it('treats "text;label" after the first line as a row, so its label is rejected', () => {
    expect(failure('i feel calm;joy\ntext;label\n').message).toBe(
      'line 2: label "label" is not one of sadness, joy, love, anger, fear, surprise, neutral',
    );
  });

  it('skips a first non-blank line that names its columns otherwise than text;label (a pandas export)', () => {
    for (const header of ['text;emotion', 'sentence;label', 'Text;Emotion', ' tweet_text ; emotion_label ', 'Tweet Text;Emotion']) {
      expect(parseLabelledLines(`\n${header}\ni feel calm;joy\n`), header).toEqual([{ text: 'i feel calm', label: 'joy', line: 3 }]);
    }
  });

  it('reads only the first non-blank line as a header: a sentence, a long field or a later line with a bad label fails', () => {
    const cases: Array<[string, RegExp]> = [
      ['i feel great today;happy\nfine;joy\n', /^line 1: label "happy" is not one of/],
      ['text;sentiment score of the tweet\nfine;joy\n', /^line 1: label "sentiment score of the tweet"/],
      ['text;feeling!\nfine;joy\n', /^line 1: label "feeling!"/],
      ['fine;joy\ntext;emotion\n', /^line 2: label "emotion"/],
      ['\ntext;emotion\nsentence;label\n', /^line 3: label "label"/],
    ];
    for (const [content, message] of cases) {
      const error = failure(content);
      expect(error.code, content).toBe(ErrorCodes.InputInvalid);
      expect(error.message, content).toMatch(message);
    }
  });

  it('fails with INPUT_INVALID and the line number on an unknown label, a missing label or empty text', () => {
    const cases: Array<[string, RegExp]> = [
      ['fine;joy\nnot fine;disgust\n', /^line 2: label "disgust" is not one of/],
      ['no label here\n', /^line 1: no ";label" at the end/],
      ['fine;joy\n\n  ;sadness\n', /^line 3: empty text$/],
    ];
    for (const [content, message] of cases) {
      const error = failure(content);
      expect(error.code).toBe(ErrorCodes.InputInvalid);
      expect(error.userFacing).toBe(true);
      expect(error.message).toMatch(message);
    }
  });

  it('reads old Mac line ends, a lone CR, as line ends', () => {
    expect(parseLabelledLines('i feel so happy today;joy\ri am terrified of tomorrow;fear\rok see you at 5;neutral\r')).toEqual([
      { text: 'i feel so happy today', label: 'joy', line: 1 },
      { text: 'i am terrified of tomorrow', label: 'fear', line: 2 },
      { text: 'ok see you at 5', label: 'neutral', line: 3 },
    ]);
    expect(failure('fine;joy\r\rbad;happiness\r').message).toMatch(/^line 3: label "happiness"/);
  });

  it('reads a first line of two short words whose label is none of ours as a data row: its bad label fails with its line number', () => {
    const cases: Array<[string, RegExp]> = [
      ['feeling blue;sad\ni am so happy today;joy\n', /^line 1: label "sad" is not one of/],
      ['\nhappy;Happiness\nfine;joy\n', /^line 2: label "happiness" is not one of/],
      ['text;feeling\nfine;joy\n', /^line 1: label "feeling" is not one of/],
      ['Tweet Text;Mood Score\nfine;joy\n', /^line 1: label "mood score" is not one of/],
    ];
    for (const [content, message] of cases) {
      const error = failure(content);
      expect(error.code, content).toBe(ErrorCodes.InputInvalid);
      expect(error.message, content).toMatch(message);
      // Such a line may have been meant as a header: the message says why it was read as a row.
      expect(error.message, content).toMatch(/\(read as a row: a header names its label column label, emotion, class, sentiment or the like\)$/);
    }
    expect(failure('fine;joy\nfeeling blue;sad\n').message).not.toContain('read as a row');
  });

  it('skips a first line whose label field names a label column, in any case, with any one- or two-word text column', () => {
    for (const header of ['review;Labels', 'Sentence;CLASS', 'tweet;category', 'content;sentiment', 'x;y', 'premise;gold_label', 'My Text;Emotion Class', 'text;emotions', 'utterance;tag', 'body;target']) {
      expect(parseLabelledLines(`${header}\ni feel calm;joy\n`), header).toEqual([{ text: 'i feel calm', label: 'joy', line: 2 }]);
    }
  });

  it('tells onHeader the line number of a header it skips, and calls it for no data row', () => {
    const headers: number[] = [];
    parseLabelledLines('\n\ntext;emotion\ni feel calm;joy\n', { onHeader: (line) => headers.push(line) });
    expect(headers).toEqual([3]);
    parseLabelledLines('i feel calm;joy\nok see you at 5;neutral\n', { onHeader: (line) => headers.push(line) });
    expect(headers).toEqual([3]);
  });

  it('quotes a bad label as JSON, so characters the eye cannot see show up in the message', () => {
    expect(failure('fine;j\u0000o\u0000y\n').message).toBe(
      'line 1: label "j\\u0000o\\u0000y" is not one of sadness, joy, love, anger, fear, surprise, neutral',
    );
  });
});

