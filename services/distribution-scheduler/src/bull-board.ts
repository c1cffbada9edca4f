import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import basicAuth from '@fastify/basic-auth';
import type { Queues } from '@fs/queue';
import type { FastifyInstance } from 'fastify';

export const BULL_BOARD_PATH = '/admin/queues';

export interface BullBoardOptions {
  user: string;
  password: string;
  /** Read-only board: no retry/clean/remove buttons. */
  readOnly?: boolean;
}

/**
 * The board's page and assets, which bull-board reads from disk: the bundle (dist/main.js) has
 * them beside it (copied by tsup.config.ts); from sources they are found in @bull-board/ui.
 */
const BUNDLED_UI = path.join(__dirname, 'bull-board-ui');

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Constant-time comparison (hashing first makes the lengths equal). */
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/**
 * Mounts bull-board (the three queues) at /admin/queues behind HTTP basic auth, in its own
 * encapsulated fastify context: the auth hook guards only the board, not /health or /metrics.
 * Call before the server listens.
 */
export async function mountBullBoard(
  app: FastifyInstance,
  queues: Queues,
  opts: BullBoardOptions,
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: [queues.distribution, ...queues.notifyQueues()].map(
      (q) => new BullMQAdapter(q, { readOnlyMode: opts.readOnly ?? false }),
    ),
    serverAdapter,
    options: {
      uiConfig: { boardTitle: 'field-service queues' },
      ...(existsSync(BUNDLED_UI) ? { uiBasePath: BUNDLED_UI } : {}),
    },
  });
  await app.register(async (scope) => {
    await scope.register(basicAuth, {
      authenticate: { realm: 'bull-board' },
      async validate(user, password) {
        // Both compared, always: no early exit that tells which one was wrong.
        const ok = [same(user, opts.user), same(password, opts.password)].every(Boolean);
        if (!ok) return new Error('invalid credentials');
      },
    });
    scope.addHook('onRequest', scope.basicAuth);
    await scope.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
  });
}
