/** No @everyone, @here, role or user pings, whatever the text says. */
export const NO_PINGS = { parse: [] as string[], users: [] as string[], roles: [] as string[] } as const;
