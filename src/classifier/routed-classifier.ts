import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';

/**
 * Two classifiers behind one: each text goes to `other` when `toOther` says so, else to `main`.
 * Each reader gets its share of a batch as one call; results come back in input order.
 */
export class RoutedClassifier implements EmotionClassifier {
  constructor(
    private readonly main: EmotionClassifier,
    private readonly other: EmotionClassifier,
    private readonly toOther: (text: string) => boolean,
  ) {}

  async classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    const routes = texts.map((text) => this.toOther(text));
    const pick = (other: boolean) => texts.filter((_text, i) => routes[i] === other);
    const [mainResults, otherResults] = await Promise.all([
      this.classifyIfAny(this.main, pick(false)),
      this.classifyIfAny(this.other, pick(true)),
    ]);
    let nextMain = 0;
    let nextOther = 0;
    return routes.map((other) => (other ? otherResults[nextOther++]! : mainResults[nextMain++]!));
  }

  async dispose(): Promise<void> {
    await Promise.all([this.main.dispose(), this.other.dispose()]);
  }

  private async classifyIfAny(classifier: EmotionClassifier, texts: readonly string[]): Promise<EmotionAnalysis[]> {
    return texts.length === 0 ? [] : classifier.classify(texts);
  }
}
