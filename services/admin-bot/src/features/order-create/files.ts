import type { ActFile } from '@fs/dispatch';
import type { Redis } from 'ioredis';
import { MAX_ORDER_FILES } from '../../texts/order-create';

/**
 * Files staff attach to an order being created. They live in a Redis list per wizard run, not
 * in the session: an album arrives as several updates handled at once, and a read-modify-write
 * of the session would lose some of them. The append is one atomic script (limit included).
 */

export type DraftFile = ActFile;

const FILES_TTL_S = 24 * 3600;

// KEYS[1] list; ARGV[1] file JSON, ARGV[2] limit, ARGV[3] ttl → new length, or -1 when full.
const APPEND = `
local n = redis.call('LLEN', KEYS[1])
if n >= tonumber(ARGV[2]) then return -1 end
n = redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return n`;

export class DraftFiles {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(nonce: string): string {
    return `${this.prefix}:admin:order-draft-files:${nonce}`;
  }

  /** Appends a file; the new count, or 'full' when the limit is reached. */
  async add(nonce: string, file: DraftFile): Promise<number | 'full'> {
    const n = Number(
      await this.redis.eval(APPEND, 1, this.key(nonce), JSON.stringify(file), MAX_ORDER_FILES, FILES_TTL_S),
    );
    return n < 0 ? 'full' : n;
  }

  async list(nonce: string): Promise<DraftFile[]> {
    const raw = await this.redis.lrange(this.key(nonce), 0, MAX_ORDER_FILES - 1);
    return raw.map((r) => JSON.parse(r) as DraftFile);
  }

  async count(nonce: string): Promise<number> {
    return this.redis.llen(this.key(nonce));
  }

  async clear(nonce: string): Promise<void> {
    await this.redis.del(this.key(nonce));
  }
}
