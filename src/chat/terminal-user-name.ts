import { userInfo } from 'node:os';

/** The name a session's lines are signed with when neither the system nor $USER gives one. */
const NEUTRAL_NAME = 'you';

/**
 * The name of the person at the terminal, as the personas read it in their prompts. A uid that
 * /etc/passwd does not list (`docker run --user 12345`, OpenShift) has none there, and Node's
 * userInfo() throws for it: $USER is taken then, else a neutral name.
 */
export function terminalUserName(lookUp: () => { readonly username: string } = userInfo, env: NodeJS.ProcessEnv = process.env): string {
  try {
    const { username } = lookUp();
    if (username) return username;
  } catch {
    // No passwd entry for this uid: the fallbacks below.
  }
  return env.USER || NEUTRAL_NAME;
}
