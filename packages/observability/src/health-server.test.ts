import { Writable } from 'node:stream';
import { HealthServer } from './health-server';
import { createLogger } from './logger';
import { createMetricsRegistry } from './metrics';

describe('HealthServer', () => {
  const lines: { msg: string; reason?: string }[] = [];
  const logger = createLogger({
    service: 'test',
    destination: new Writable({
      write(chunk, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
        done();
      },
    }),
  });
  let failing = true;
  const server = new HealthServer({
    registry: createMetricsRegistry('test'),
    logger,
    checks: {
      postgres: async () => {
        if (failing) {
          throw Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:5432'), { code: 'ECONNREFUSED' });
        }
      },
      redis: async () => {
        if (failing) throw new Error('WRONGPASS invalid username-password pair for user ops@redis.internal');
      },
    },
  });
  let base: string;

  beforeAll(async () => {
    base = await server.listen(0);
  });
  afterAll(() => server.close());

  it('listens on loopback unless told otherwise', () => {
    expect(new URL(base).hostname).toBe('127.0.0.1');
  });

  it('/health/ready gives short reasons only, never the raw error (hosts, users), and logs each change once', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${base}/health/ready`);
      expect(res.status).toBe(503);
      const body = await res.text();
      expect(JSON.parse(body)).toEqual({
        status: 'unavailable',
        checks: { postgres: 'connection refused', redis: 'unavailable' },
      });
      expect(body).not.toMatch(/10\.20\.30\.40|redis\.internal|ops@/);
    }
    failing = false;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    // The two checks run concurrently: the order within a state change is not fixed.
    expect(
      lines
        .slice(0, 2)
        .map((l) => l.msg)
        .sort(),
    ).toEqual(['readiness postgres connection lost', 'readiness redis connection lost']);
    expect(
      lines
        .slice(2)
        .map((l) => l.msg)
        .sort(),
    ).toEqual(['readiness postgres connection restored', 'readiness redis connection restored']);
    expect(lines.find((l) => l.msg === 'readiness postgres connection lost')!.reason).toBe(
      'connection refused',
    );
  });
});
