import { createHash } from 'node:crypto';
import type { Db, poolOf } from '@fs/db';
import type { RawBuilder } from 'kysely';

/** A pg client or pool: anything with pg's `query(config)`. */
export type PgQueryable = Pick<ReturnType<typeof poolOf>, 'query'>;

const names = new Map<string, string>();

/**
 * Runs a statement as a named prepared statement (issue 12): PostgreSQL parses and plans it
 * once per connection and re-uses the plan, where Kysely sends every statement unnamed (parsed
 * and planned anew). The name is a hash of the text, so each distinct text is one statement.
 */
export async function queryPrepared<R>(client: PgQueryable, db: Db, query: RawBuilder<R>): Promise<R[]> {
  const compiled = query.compile(db);
  let name = names.get(compiled.sql);
  if (!name) {
    name = `fs_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 24)}`;
    names.set(compiled.sql, name);
  }
  const res = await client.query({ name, text: compiled.sql, values: [...compiled.parameters] });
  return res.rows as R[];
}
