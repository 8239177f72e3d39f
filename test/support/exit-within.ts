import type { FeelbotProcess } from './feelbot-process.js';

/** The exit code, or 'still running' (after stopping it) when the process has not exited within `ms`. */
export async function exitWithin(process: FeelbotProcess, ms: number): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), ms);
  });
  const exited = await Promise.race([process.waitForExit(), late]).finally(() => clearTimeout(timer));
  if (exited === 'still running') await process.stop();
  return exited;
}
