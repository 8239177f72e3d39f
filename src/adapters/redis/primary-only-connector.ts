import type { RedisOptions } from 'ioredis';
// ioredis's connector for one host and port; its package exports it only from here.
import { StandaloneConnector } from 'ioredis/built/connectors/index.js';

/** INFO's `role` of a replica: Redis and Valkey say `slave`, some compatible servers `replica`. */
const REPLICA_ROLES = new Set(['slave', 'replica']);

/**
 * ioredis's connector for a single address that refuses a node that is a replica: a connection
 * there is closed before it is ready, and retried like any failed connect (backing off, never
 * "ready", so no command is sent again to a node that only answers it READONLY). ioredis hands
 * `check` the INFO it reads on every connect anyway; without the right to run INFO it hands an
 * empty one, and the node is taken as it is. `onNode` hears, at each connect, whether it was a replica.
 */
export function primaryOnlyConnector(onNode: (isReplica: boolean) => void): NonNullable<RedisOptions['Connector']> {
  return class PrimaryOnlyConnector extends StandaloneConnector {
    constructor(options: unknown) {
      // ioredis hands a connector its whole options object, which holds the host, port and TLS.
      super(options as ConstructorParameters<typeof StandaloneConnector>[0]);
    }

    override check(info: Partial<Record<string, string>>): boolean {
      const isReplica = REPLICA_ROLES.has(info.role ?? '');
      onNode(isReplica);
      return !isReplica;
    }
  };
}
