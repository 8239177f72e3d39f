import { isFailedText, type SettledAnalysis } from '../../classifier/classify-each-settled.js';
import { ErrorCodes, isFeelbotError, type FeelbotError } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
import { body, errorBodySchema, type ApiErrorBody } from '../http-error.js';

/** A batch's entry for a text the model failed to read for good: the API's error shape, as a failed request's. */
export const failedTextSchema = errorBodySchema('In place of an analysis: the model failed to read this text, and fails it again if sent again.', [
  ErrorCodes.ClassifierFailed,
]);

/** The 422 of a lone text the model failed to read for good. */
export const failedTextResponse = errorBodySchema('CLASSIFIER_FAILED: the model failed to read the text, and fails it again if sent again.', [
  ErrorCodes.ClassifierFailed,
]);

/**
 * What a client is told of a text the model failed to read for good. The model's own reason is for
 * the operator (it names the model's files and settings), and is logged instead.
 */
export function failedTextBody(error: FeelbotError): ApiErrorBody {
  return body(error.code, 'The emotion model failed to read this text; sent again, it fails the same way.');
}

/** The classifier failed for a reason a retry may mend: ONNX Runtime ran out of memory, an LLM answered no label. */
export function isRetryableClassifierFailure(error: unknown): error is FeelbotError {
  return isFeelbotError(error, ErrorCodes.ClassifierFailed) && !error.permanent;
}

export function retryableFailureBody(error: FeelbotError, retryAfterSeconds: number): ApiErrorBody {
  return body(error.code, `The classifier failed for a reason a retry may mend, such as memory running out; try again in ${retryAfterSeconds} seconds.`);
}

/** Logs the texts of a request the model failed to read, by their place in it (never the text), with the first one's reason. */
export function logFailedTexts(logger: Logger, results: readonly SettledAnalysis[]): void {
  const failed = results.flatMap((result, index) => (isFailedText(result) ? [index] : []));
  if (failed.length === 0) return;
  const first = results[failed[0]!] as FeelbotError;
  logger.warn(
    { code: first.code, failed, err: first },
    `the classifier failed to read ${failed.length} of a request's ${results.length} texts; each is answered with its error`,
  );
}
