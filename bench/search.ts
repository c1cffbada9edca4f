/**
 * Staff order search (pg_trgm, migration 0150) on a large table: a fresh database with
 * BENCH_ORDERS orders (default 200,000) and 2,000 masters; each query of QUERIES runs
 * BENCH_REPEAT times through searchOrders (count + first page). Beside it, in the same run: the
 * same search with the trigram indexes disabled (what it would cost without them) and a bare
 * `SELECT 1` round trip (the floor). Not a test: prints its figures and drops the database.
 *
 *   pnpm bench:search
 *   BENCH_ORDERS=500000 BENCH_REPEAT=20 pnpm bench:search
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createDb, migrateToLatest, seed } from '@fs/db';
import { type OrderSearchQuery, parseOrderSearch, searchOrders } from '@fs/dispatch';
import { sql } from 'kysely';
import { Client } from 'pg';

const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ORDERS = Number(process.env.BENCH_ORDERS ?? 200_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 10);
const QUERIES = ['смирнва', 'Тверская 7', 'Петрову', 'Семен Лобанов'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const name = `fs_bench_search_${Date.now()}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { poolSize: 2, applicationName: 'bench-search' });
  try {
    await migrateToLatest(db);
    await seed(db);
    const fill = performance.now();
    // Names and streets made of syllables (15,625 surnames, 625 streets), so a query matches a
    // handful of orders as in real data, plus the few people the queries look for.
    const word = (n: string) =>
      sql.raw(`initcap(s[1 + ${n} % 25] || s[1 + (${n} / 25) % 25] || s[1 + (${n} / 625) % 25])`);
    const syllables = sql.raw(
      `array['ба','ве','го','да','же','зи','ко','ла','ми','но','пе','ро','си','ту','фа','хо','це','чу','ша','щу','ар','ен','ол','ус','ям']`,
    );
    await sql`
      INSERT INTO masters (tg_user_id, full_name, city_id, moderation_status)
      SELECT 900000000 + g, (array['Иван','Пётр','Олег','Сергей','Дмитрий'])[1 + g % 5] || ' ' || ${word('(g * 7)')} || 'ов',
        (SELECT id FROM cities ORDER BY id LIMIT 1 OFFSET g % 20), 'approved'
      FROM generate_series(1, 2000) g, (SELECT ${syllables} AS s) syl`.execute(db);
    await sql`UPDATE masters SET full_name = 'Иван Петров' WHERE tg_user_id = 900000001`.execute(db);
    await sql`
      WITH ms AS (SELECT array_agg(id ORDER BY id) AS ids FROM masters),
           cs AS (SELECT array_agg(id ORDER BY id) AS ids FROM (SELECT id FROM cities ORDER BY id LIMIT 20) c)
      INSERT INTO orders (city_id, category, status, type, client_name, client_phone, street, house, description, assigned_master_id)
      SELECT cs.ids[1 + g % 20], 'electrics', 'closed', 'normal',
        (array['Анна','Мария','Елена','Ольга','Игорь','Павел','Юрий','Семён'])[1 + g % 8] || ' ' || ${word('g')} || 'ова',
        '+7916' || lpad((g % 10000000)::text, 7, '0'),
        ${word('(g / 7)')} || 'ская', (g % 120)::text, 'Не работает розетка', ms.ids[1 + g % 2000]
      FROM generate_series(1, ${ORDERS}::int) g, ms, cs, (SELECT ${syllables} AS s) syl`.execute(db);
    await sql`
      UPDATE orders SET client_name = v.name, street = v.street, house = v.house
      FROM (VALUES (1, 'Анна Смирнова', 'Ленинская', '3'), (2, 'Олег Ким', 'Тверская', '7'),
                   (3, 'Семён Лобанов', 'Арбатская', '1')) AS v(n, name, street, house)
      WHERE orders.id = v.n`.execute(db);
    await sql`ANALYZE orders`.execute(db);
    await sql`ANALYZE masters`.execute(db);
    console.log(
      `filled ${ORDERS} orders, 2000 masters in ${((performance.now() - fill) / 1000).toFixed(1)} s`,
    );

    const time = async (run: () => Promise<unknown>) => {
      await run(); // warm
      const ms: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const t = performance.now();
        await run();
        ms.push(performance.now() - t);
      }
      return median(ms);
    };
    const floor = await time(() => sql`SELECT 1`.execute(db));
    console.log(`\nmedian of ${REPEAT} runs, ms (count + first page of 10, all cities):`);
    console.log(
      `${'query'.padEnd(16)} ${'matches'.padStart(8)} ${'indexed'.padStart(9)} ${'no index'.padStart(9)}`,
    );
    for (const q of QUERIES) {
      const query = parseOrderSearch(q) as Extract<OrderSearchQuery, { kind: 'text' }>;
      const { total } = await searchOrders(db, 'all', query, 0);
      const indexed = await time(() => searchOrders(db, 'all', query, 0));
      // The ceiling: the same search without the trigram indexes (sequential scans).
      await sql`ALTER DATABASE ${sql.id(name)} SET enable_bitmapscan = off`.execute(db);
      const noIndexDb = createDb(url.toString(), { poolSize: 1, applicationName: 'bench-search-seq' });
      const scan = await time(() => searchOrders(noIndexDb, 'all', query, 0));
      await noIndexDb.destroy();
      await sql`ALTER DATABASE ${sql.id(name)} RESET enable_bitmapscan`.execute(db);
      console.log(
        `${q.padEnd(16)} ${String(total).padStart(8)} ${indexed.toFixed(1).padStart(9)} ${scan.toFixed(1).padStart(9)}`,
      );
    }
    console.log(`SELECT 1 round trip: ${floor.toFixed(2)} ms`);
    console.log(`loadavg: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  } finally {
    await db.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
