import { randomBytes } from 'node:crypto';
import IORedis, { type Redis } from 'ioredis';
import { TEST_REDIS_URL } from './env';

export interface TestRedis {
  url: string;
  /** A hash-tagged key prefix unique to this test file, e.g. `{t-1a2b3c}`. */
  prefix: string;
  /** A connection suitable for BullMQ workers (maxRetriesPerRequest: null). */
  connection: Redis;
  cleanup(): Promise<void>;
}

/** A private Redis key prefix for one test file; cleanup deletes every key under it. */
export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `{t-${randomBytes(4).toString('hex')}}`;
  const connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  return {
    url: TEST_REDIS_URL,
    prefix,
    connection,
    async cleanup() {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await connection.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      for (let i = 0; i < keys.length; i += 500) await connection.del(...keys.slice(i, i + 500));
      connection.disconnect();
    },
  };
}

export function uniqueSuffix(): string {
  return randomBytes(3).toString('hex');
}
