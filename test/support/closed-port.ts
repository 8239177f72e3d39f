import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A local port nothing listens on: bound once by the OS, then released, so a connect is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
