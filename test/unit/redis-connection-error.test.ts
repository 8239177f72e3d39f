import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isConnectionError, isWrongNodeReply } from '../../src/adapters/redis/redis-connection-error.js';

/** Error replies as Redis 7 words them (the first from inside a script, as BullMQ's commands are). */
const FAILOVER_REPLIES = [
  "READONLY You can't write against a read only replica. script: a475fab1b6cd1e2df5d3da96df2aa3afe556bf88, on @user_script:2.",
  "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
  'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)',
  'LOADING Redis is loading the dataset in memory',
  'TRYAGAIN Multiple keys request during rehashing of slot',
  'CLUSTERDOWN The cluster is down',
];

describe('which Redis errors are an outage to wait out', () => {
  it.each(FAILOVER_REPLIES)('a Redis changing roles or state, which ran nothing: %s', (message) => {
    expect(isConnectionError(new ReplyError(message))).toBe(true);
  });

  it('not a command Redis refused, nor another error that mentions loading', () => {
    expect(isConnectionError(new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isConnectionError(new ReplyError('ERR Error running script: READONLY in a key name'))).toBe(false);
    expect(isConnectionError(new Error('Error loading the emotion model'))).toBe(false);
  });

  it('only a demoted primary, a replica without its primary and a node loading its data call for a new connection', () => {
    const reconnecting = FAILOVER_REPLIES.filter((message) => isWrongNodeReply(new ReplyError(message)));
    expect(reconnecting.map((message) => message.split(' ')[0])).toEqual(['READONLY', 'MASTERDOWN', 'LOADING']);
  });

  it('a READONLY from inside a script as Redis 6 wraps it is one too', () => {
    const wrapped = new ReplyError(
      "ERR Error running script (call to f_1028a5dba704e1d8a01fd96efeba25bb78f62df2): @user_script:4: @user_script: 4: -READONLY You can't write against a read only replica.",
    );
    expect({ outage: isConnectionError(wrapped), newConnection: isWrongNodeReply(wrapped) }).toEqual({ outage: true, newConnection: true });
  });
});
