import type { Redis } from 'ioredis';

/** Every value stored under a key prefix, as text: job hashes, event streams, lists, sets, strings. */
export async function everythingUnder(connection: Redis, prefix: string): Promise<string> {
  const values: unknown[] = [];
  for (const key of await connection.keys(`${prefix}*`)) {
    const type = await connection.type(key);
    if (type === 'string') values.push(await connection.get(key));
    else if (type === 'hash') values.push(await connection.hgetall(key));
    else if (type === 'list') values.push(await connection.lrange(key, 0, -1));
    else if (type === 'set') values.push(await connection.smembers(key));
    else if (type === 'zset') values.push(await connection.zrange(key, 0, -1));
    else if (type === 'stream') values.push(await connection.xrange(key, '-', '+'));
  }
  return JSON.stringify(values);
}
