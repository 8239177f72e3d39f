/** The subset of pino's API feelbot uses, so code and tests need not import pino. */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  trace(object: object | string, message?: string): void;
  debug(object: object | string, message?: string): void;
  info(object: object | string, message?: string): void;
  warn(object: object | string, message?: string): void;
  error(object: object | string, message?: string): void;
}

/** For adapters and tools run without a logger: every line is dropped. */
export const NO_LOGS: Logger = {
  child: () => NO_LOGS,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
