/** The subset of pino's API feelbot uses, so code and tests need not import pino. */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  trace(object: object | string, message?: string): void;
  debug(object: object | string, message?: string): void;
  info(object: object | string, message?: string): void;
  warn(object: object | string, message?: string): void;
  error(object: object | string, message?: string): void;
}
