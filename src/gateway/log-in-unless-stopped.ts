import type { Client } from 'discord.js';

/**
 * `client.login(token)`, which a slow or rate-limited Discord can hold for minutes, ended by `stop`:
 * the promise rejects with the stop's reason at once, and the client is destroyed, at once when it
 * has begun connecting, else as soon as its login ends (a late gateway address still connects it).
 */
export async function logInUnlessStopped(client: Client, token: string, stop?: AbortSignal): Promise<void> {
  stop?.throwIfAborted();
  const loggingIn = client.login(token);
  if (!stop) {
    await loggingIn;
    return;
  }
  let onStop: () => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    onStop = () => reject(stop.reason);
  });
  stop.addEventListener('abort', onStop, { once: true });
  try {
    await Promise.race([loggingIn, stopped]);
  } catch (error) {
    if (!stop.aborted) throw error;
    // discord.js destroys a client only once: destroyed before its shards exist, it would still open
    // them when the gateway address arrives, and keep that session. A failed login destroys itself.
    if (client.ws.shards.size > 0) await client.destroy();
    else void loggingIn.then(() => client.destroy(), () => undefined);
    throw stop.reason;
  } finally {
    stop.removeEventListener('abort', onStop);
  }
}
