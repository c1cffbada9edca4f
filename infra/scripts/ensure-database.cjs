#!/usr/bin/env node
/**
 * Creates the database named in a PostgreSQL URL when it does not exist yet (connecting to the
 * server's "postgres" database to do so). Usage: node infra/scripts/ensure-database.cjs [URL]
 * (default: $DATABASE_URL, else the config default). Uses the workspace's `pg` (packages/db).
 */
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const { Client } = require(require.resolve('pg', { paths: [path.join(root, 'packages/db')] }));

const url = process.argv[2] || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/field_service';

async function main() {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`no database name in ${target.origin}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) {
      console.log(`database "${name}" exists`);
      return;
    }
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    console.log(`database "${name}" created`);
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  const safe = new URL(url);
  if (safe.password) safe.password = '***';
  console.error(`could not create the database of ${safe}: ${err.message}`);
  process.exit(1);
});
