import { parseConfig, schedulerSchema } from '@fs/config';
import { type DispatchTestEnv, setSettings, setupDispatchEnv } from '@fs/dispatch/test/fixtures';
import type { SchedulerHandle } from '../src/scheduler';
import { startTestScheduler } from './helpers';

const USER = 'ops';
const PASSWORD = 'correct-horse-battery';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let env: DispatchTestEnv;
let withBoard: SchedulerHandle;
let withoutBoard: SchedulerHandle;

beforeAll(async () => {
  env = await setupDispatchEnv();
  await setSettings(env.db, { distribution_tick_seconds: 600 });
  withBoard = await startTestScheduler(env, { BULL_BOARD_USER: USER, BULL_BOARD_PASSWORD: PASSWORD });
  withoutBoard = await startTestScheduler(env);
});
afterAll(async () => {
  await withBoard?.stop();
  await withoutBoard?.stop();
  await env.close();
});

describe('bull-board at /admin/queues', () => {
  it('asks for credentials (401) without them or with wrong ones', async () => {
    const none = await fetch(`${withBoard.address}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="bull-board"/);

    const wrong = await fetch(`${withBoard.address}/admin/queues`, {
      headers: { authorization: basic(USER, 'wrong-password-123') },
    });
    expect(wrong.status).toBe(401);
    const api = await fetch(`${withBoard.address}/admin/queues/api/queues`);
    expect(api.status).toBe(401);
  });

  it('serves the board and its API (every queue) with the right credentials', async () => {
    const headers = { authorization: basic(USER, PASSWORD) };
    const page = await fetch(`${withBoard.address}/admin/queues`, { headers });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);

    const api = await fetch(`${withBoard.address}/admin/queues/api/queues`, { headers });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual([
      'distribution',
      'notify-client',
      'notify-master',
      'notify-sms',
      'notify-staff',
    ]);
  });

  it('leaves health and metrics open (the auth hook guards only the board)', async () => {
    expect((await fetch(`${withBoard.address}/health/live`)).status).toBe(200);
    expect((await fetch(`${withBoard.address}/metrics`)).status).toBe(200);
  });

  it('is not mounted (404) when BULL_BOARD_USER/PASSWORD are unset', async () => {
    const res = await fetch(`${withoutBoard.address}/admin/queues`, {
      headers: { authorization: basic(USER, PASSWORD) },
    });
    expect(res.status).toBe(404);
  });

  it('config: both variables or neither', () => {
    expect(() => parseConfig('distribution-scheduler', schedulerSchema, { BULL_BOARD_USER: USER })).toThrow(
      /BULL_BOARD_PASSWORD is required when the other BULL_BOARD_\* is set/,
    );
    expect(() =>
      parseConfig('distribution-scheduler', schedulerSchema, {
        BULL_BOARD_USER: USER,
        BULL_BOARD_PASSWORD: 'short',
      }),
    ).toThrow(/BULL_BOARD_PASSWORD must be at least 12 characters/);
  });
});
