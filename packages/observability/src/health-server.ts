import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { ConnectionState, dependencyFailure } from './dependency';
import type { Logger } from './logger';

export type ReadinessCheck = () => Promise<void>;

export interface HealthServerOptions {
  registry: Registry;
  logger: Logger;
  /** Named checks for /health/ready (e.g. postgres, redis); each throws when not ready. */
  checks: Record<string, ReadinessCheck>;
  /** Per-check timeout. */
  checkTimeoutMs?: number;
}

async function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      p,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The fastify server every service runs on its own port: /health/live, /health/ready,
 * /metrics. Bots mount their webhook route on the same instance.
 */
export class HealthServer {
  readonly app: FastifyInstance;
  private draining = false;

  constructor(private readonly opts: HealthServerOptions) {
    // Nothing served here takes a large body (a Telegram update is a few KB; bots cap their
    // webhook route lower still).
    this.app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
    const states = new Map(
      Object.keys(opts.checks).map((name) => [name, new ConnectionState(opts.logger, `readiness ${name}`)]),
    );
    this.app.get('/health/live', async () => ({ status: 'ok' }));
    this.app.get('/health/ready', async (_req, reply) => {
      if (this.draining) return reply.code(503).send({ status: 'draining' });
      const results: Record<string, string> = {};
      let ok = true;
      await Promise.all(
        Object.entries(this.opts.checks).map(async ([name, check]) => {
          try {
            await withTimeout(check(), this.opts.checkTimeoutMs ?? 2000);
            results[name] = 'ok';
            states.get(name)?.up();
          } catch (err) {
            ok = false;
            // A short reason only: raw errors can carry hosts, users and stack traces (the log
            // has the reason once per change of state).
            results[name] = dependencyFailure(err) ?? 'unavailable';
            states.get(name)?.down(err);
          }
        }),
      );
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: results });
    });
    this.app.get('/metrics', async (_req, reply) => {
      reply.header('content-type', this.opts.registry.contentType);
      return this.opts.registry.metrics();
    });
  }

  /** Readiness goes false first on shutdown, so load balancers stop sending work. */
  setDraining(): void {
    this.draining = true;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    return this.app.listen({ port, host });
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}
