/**
 * Re-queues `failed` notification outbox rows (see replayFailedOutbox in packages/queue):
 *
 *   tsx scripts/replay-failed.ts --id 42 --id 43          # these rows (if failed)
 *   tsx scripts/replay-failed.ts --since 2h --event new_offer
 *   tsx scripts/replay-failed.ts --all --limit 500        # every failed row, oldest first
 *   tsx scripts/replay-failed.ts --since 30m --dry-run    # list what would be replayed
 *
 * --since takes 90s, 30m, 2h, 1d or an ISO time and filters on the time the row failed
 * (its updated_at). Without --id/--since/--event it refuses to run unless --all is given.
 * Reads DATABASE_URL, REDIS_URL and REDIS_PREFIX (defaults as in .env.example). Exit code 0 on
 * success (also when nothing matched), 1 on an error, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { createDb } from '@fs/db';
import { NOTIFICATION_EVENTS, type NotificationEvent } from '@fs/domain';
import { createRedis, listFailedOutbox, Queues, type ReplayFilter, replayFailedOutbox } from '@fs/queue';

const USAGE =
  'usage: tsx scripts/replay-failed.ts [--id N ...] [--since 2h|ISO] [--event NAME] [--limit N] [--all] [--dry-run]';

class UsageError extends Error {}

export function parseSince(v: string, now = Date.now()): Date {
  const m = /^(\d+)\s*([smhd])$/.exec(v.trim());
  if (m) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now - Number(m[1]) * unit);
  }
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw new UsageError(`--since: "${v}" is neither a duration (90s, 30m, 2h, 1d) nor a date`);
  return new Date(t);
}

function parse(argv: string[]): { filter: ReplayFilter; dryRun: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      id: { type: 'string', multiple: true },
      since: { type: 'string' },
      event: { type: 'string' },
      limit: { type: 'string' },
      all: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const filter: ReplayFilter = {};
  if (values.id) {
    filter.ids = values.id.map((s) => {
      if (!/^\d+$/.test(s)) throw new UsageError(`--id: "${s}" is not an outbox id`);
      return Number(s);
    });
  }
  if (values.since) filter.since = parseSince(values.since);
  if (values.event) {
    if (!(NOTIFICATION_EVENTS as readonly string[]).includes(values.event))
      throw new UsageError(`--event: "${values.event}" is not one of ${NOTIFICATION_EVENTS.join(', ')}`);
    filter.event = values.event as NotificationEvent;
  }
  if (values.limit) {
    if (!/^\d+$/.test(values.limit) || Number(values.limit) < 1)
      throw new UsageError('--limit: a positive integer');
    filter.limit = Number(values.limit);
  }
  if (!filter.ids && !filter.since && !filter.event && !values.all)
    throw new UsageError('no filter: give --id, --since or --event, or --all to replay every failed row');
  return { filter, dryRun: values['dry-run'] };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const db = createDb(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/field_service', {
    poolSize: 2,
    applicationName: 'replay-failed',
  });
  try {
    const rows = await listFailedOutbox(db, args.filter);
    for (const r of rows) {
      const error = (r.last_error ?? '').replace(/\s+/g, ' ').slice(0, 100);
      console.log(
        `${r.id}\t${r.bot}\t${r.event}\tattempts=${r.attempts}\tfailed=${r.updated_at.toISOString()}\t${error}`,
      );
    }
    if (args.dryRun) {
      console.log(`dry run: ${rows.length} failed row(s) would be replayed`);
      return;
    }
    if (rows.length === 0) {
      console.log('no failed rows match');
      return;
    }
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      connectionName: 'replay-failed',
      // A CLI should fail, not wait forever, when Redis is down.
      maxRetriesPerRequest: 3,
    });
    const queues = new Queues({ connection: redis, prefix: process.env.REDIS_PREFIX || '{fs}' });
    try {
      const n = await replayFailedOutbox(db, queues, args.filter);
      console.log(`replayed ${n} row(s) (set to pending and enqueued)`);
    } finally {
      await queues.close();
      redis.disconnect();
    }
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error('replay failed:', err);
  process.exit(1);
});
