import { describe, expect, it } from 'vitest';
import { classificationReport, NO_PREDICTION } from '../../src/domain/classification-metrics.js';

const LABELS = ['sadness', 'joy', 'anger'];

describe('classificationReport', () => {
  it('scores precision, recall, F1 and support per label, and the confusion matrix gold × predicted', () => {
    const report = classificationReport(['joy', 'joy', 'sadness', 'anger'], ['joy', 'sadness', 'sadness', 'anger'], LABELS);
    expect(report.n).toBe(4);
    expect(report.accuracy).toBe(0.75);
    expect(report.per_label.sadness).toEqual({ precision: 0.5, recall: 1, f1: 0.6667, support: 1 });
    expect(report.per_label.joy).toEqual({ precision: 1, recall: 0.5, f1: 0.6667, support: 2 });
    expect(report.confusion.joy).toEqual({ sadness: 1, joy: 1, anger: 0 });
    expect(report.macro_f1).toBe(0.7778);
  });

  it('counts a label the model predicted but no gold line has, at F1 0, in macro-F1 (as scikit-learn does)', () => {
    const report = classificationReport(['joy', 'joy', 'sadness', 'sadness'], ['joy', 'anger', 'sadness', 'anger'], LABELS);
    expect(report.per_label.anger).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(report.macro_f1).toBe(0.4444);
  });

  it('leaves out a label neither the gold lines nor the predictions have', () => {
    const report = classificationReport(['joy', 'sadness'], ['joy', 'sadness'], LABELS);
    expect(report.macro_f1).toBe(1);
  });

  it('a row with no prediction is a miss for its gold label, in its support, and lowers no label\'s precision', () => {
    const report = classificationReport(['sadness', 'sadness', 'joy', 'anger'], ['sadness', NO_PREDICTION, 'joy', NO_PREDICTION], LABELS);
    expect(report.n).toBe(4);
    expect(report.accuracy).toBe(0.5);
    expect(report.per_label.sadness).toEqual({ precision: 1, recall: 0.5, f1: 0.6667, support: 2 });
    expect(report.per_label.anger).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(report.per_label.joy).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 });
    // Left out of the confusion matrix: its rows sum to the predictions made, not to the support.
    expect(report.confusion.sadness).toEqual({ sadness: 1, joy: 0, anger: 0 });
    expect(report.confusion.anger).toEqual({ sadness: 0, joy: 0, anger: 0 });
  });
});
