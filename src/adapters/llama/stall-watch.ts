/**
 * How long a model download may go without progress before it is given up: also what bounds
 * connecting while offline, which can otherwise hang for minutes. GGUF and hub downloads share it.
 */
export const DOWNLOAD_STALL_TIMEOUT_MS = 15_000;

/**
 * Fails a download that stops getting further. Only a new high of bytes counts as progress: bytes
 * fetched again after a host or proxy cut the connection (and a retry started the chunk over) do not.
 */
export class StallWatch {
  /** Rejects once `timeoutMs` pass without progress; never settles after `stop()`. */
  readonly stalled: Promise<never>;
  private highest = -1;
  private timer: NodeJS.Timeout | undefined;
  private fail: (reason: Error) => void = () => undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onStall: (reason: Error) => void = () => undefined,
  ) {
    this.stalled = new Promise<never>((_, reject) => (this.fail = reject));
    // Whoever races it may be gone by the time it fires; that must not be an unhandled rejection.
    this.stalled.catch(() => undefined);
    this.arm();
  }

  /** `bytes` is how far the download has got in all; returns true when that is further than ever before. */
  reached(bytes: number): boolean {
    if (bytes <= this.highest) return false;
    this.highest = bytes;
    this.arm();
    return true;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const reason = new Error(`no download progress for ${this.timeoutMs} ms`);
      this.onStall(reason);
      this.fail(reason);
    }, this.timeoutMs);
  }
}
