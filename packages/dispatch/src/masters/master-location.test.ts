import { LIVE_PERIOD_FOREVER } from '@fs/domain';
import { sql } from 'kysely';
import { createCity, createMaster, type DispatchTestEnv, setupDispatchEnv } from '../../test/fixtures';
import {
  expireLiveLocations,
  type LiveLocationMessage,
  masterLocationInfo,
  recordLiveLocation,
  setBaseLocation,
} from './master-location';
import { endShift } from './master-shift';

/** Base point, live location updates through edits, stop, shift end and staleness. */

let env: DispatchTestEnv;
let cityId: number;
beforeAll(async () => {
  env = await setupDispatchEnv();
  ({ cityId } = await createCity(env.db));
});
afterAll(() => env.close());

const BASE = { lat: 55.75, lon: 37.617 };
const A = { lat: 55.8, lon: 37.5 };
const B = { lat: 55.81, lon: 37.52 };

/** The point dispatch uses, back as lat/lon (within a metre). */
async function dispatchPoint(masterId: number): Promise<{ lat: number; lon: number } | null> {
  const row = await env.db
    .selectFrom('masters')
    .select([
      sql<number | null>`round(latitude(geo_point::earth)::numeric, 5)::float8`.as('lat'),
      sql<number | null>`round(longitude(geo_point::earth)::numeric, 5)::float8`.as('lon'),
    ])
    .where('id', '=', masterId)
    .executeTakeFirstOrThrow();
  return row.lat === null || row.lon === null ? null : { lat: row.lat, lon: row.lon };
}

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000);

function start(messageId: number, point = A, livePeriod = 3600, sentAt = secondsAgo(5)): LiveLocationMessage {
  return { point, messageId, sentAt, livePeriod, editedAt: null };
}
function edit(
  messageId: number,
  point: typeof A,
  editedAt: Date,
  livePeriod: number | null = 3600,
): LiveLocationMessage {
  return { point, messageId, sentAt: secondsAgo(60), livePeriod, editedAt };
}

describe('base point', () => {
  it('is stored and used by dispatch; a bad point is refused', async () => {
    const m = await createMaster(env.db, { cityId });
    expect(await dispatchPoint(m)).toBeNull();
    expect(await setBaseLocation(env.db, m, BASE)).toBe('saved');
    expect(await dispatchPoint(m)).toEqual(BASE);
    expect(await setBaseLocation(env.db, m, { lat: 95, lon: 10 })).toBe('invalid');
    expect(await dispatchPoint(m)).toEqual(BASE);
  });
});

describe('live location', () => {
  it('starts on shift, follows the edits of its message, and stops back to the base point', async () => {
    const m = await createMaster(env.db, { cityId });
    const bystander = await createMaster(env.db, { cityId });
    await setBaseLocation(env.db, m, BASE);
    expect(await recordLiveLocation(env.db, m, start(100))).toBe('started');
    expect(await dispatchPoint(m)).toEqual(A);
    expect(await dispatchPoint(bystander)).toBeNull();

    expect(await recordLiveLocation(env.db, m, edit(100, B, secondsAgo(2)))).toBe('updated');
    expect(await dispatchPoint(m)).toEqual(B);
    // An older edit arriving late and an edit of another (earlier) sharing change nothing.
    expect(await recordLiveLocation(env.db, m, edit(100, A, secondsAgo(4)))).toBe('ignored');
    expect(await recordLiveLocation(env.db, m, edit(99, A, secondsAgo(1)))).toBe('ignored');
    expect(await dispatchPoint(m)).toEqual(B);

    const info = await masterLocationInfo(env.db, m);
    expect(info?.live).toMatchObject({ ...B, active: true });
    expect(info?.live?.until?.getTime()).toBeGreaterThan(Date.now());

    // Telegram's edit without live_period: the sharing stopped.
    expect(await recordLiveLocation(env.db, m, edit(100, B, secondsAgo(1), null))).toBe('stopped');
    expect(await dispatchPoint(m)).toEqual(BASE);
    expect((await masterLocationInfo(env.db, m))?.live?.active).toBe(false);
  });

  it('is not used off shift, and ends with the shift', async () => {
    const off = await createMaster(env.db, { cityId, shift: 'off' });
    expect(await recordLiveLocation(env.db, off, start(1))).toBe('off_shift');
    expect(await dispatchPoint(off)).toBeNull();

    const m = await createMaster(env.db, { cityId });
    await setBaseLocation(env.db, m, BASE);
    expect(await recordLiveLocation(env.db, m, start(7))).toBe('started');
    expect((await endShift(env.deps, m)).kind).toBe('ok');
    expect(await dispatchPoint(m)).toEqual(BASE);
    expect(await recordLiveLocation(env.db, m, edit(7, B, secondsAgo(1)))).toBe('ignored');
  });

  it('goes stale after its live period: edits are ignored and the sweep returns to the base point', async () => {
    const m = await createMaster(env.db, { cityId });
    await setBaseLocation(env.db, m, BASE);
    expect(await recordLiveLocation(env.db, m, start(5, A, 60, secondsAgo(30)))).toBe('started');
    expect(await expireLiveLocations(env.db)).toBe(0);
    expect(await dispatchPoint(m)).toEqual(A);

    // The live period ends (the message was sent 60 s before now).
    await env.db
      .updateTable('masters')
      .set({ live_until: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', m)
      .execute();
    expect((await masterLocationInfo(env.db, m))?.live?.active).toBe(false);
    expect(await recordLiveLocation(env.db, m, edit(5, B, secondsAgo(0)))).toBe('ignored');
    expect(await expireLiveLocations(env.db)).toBe(1);
    expect(await dispatchPoint(m)).toEqual(BASE);
    expect(await expireLiveLocations(env.db)).toBe(0);
  });

  it('refuses a sharing whose live period is already over, and keeps "until stopped" sharing', async () => {
    const m = await createMaster(env.db, { cityId });
    expect(await recordLiveLocation(env.db, m, start(3, A, 60, secondsAgo(120)))).toBe('ignored');
    expect(await dispatchPoint(m)).toBeNull();
    expect(await recordLiveLocation(env.db, m, start(4, A, LIVE_PERIOD_FOREVER, secondsAgo(3600 * 30)))).toBe(
      'started',
    );
    expect((await masterLocationInfo(env.db, m))?.live).toMatchObject({ until: null, active: true });
    expect(await expireLiveLocations(env.db)).toBe(0);
  });
});
