import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * Who may use the web chat: the sandbox acts as any person in the database (the global admin
 * included), so a page elsewhere must not reach it, even through the visitor's browser.
 * - Host must name this server on loopback (or SANDBOX_HOST): a DNS-rebinding page on another
 *   name is refused, whatever address that name resolves to.
 * - Origin, when a browser sends one, must be this server too (no cross-site calls).
 * - Every /api/ call carries the per-run token printed at start (header x-sandbox-token, or
 *   ?token= for what a browser loads by URL: the event stream and pictures).
 */
export interface WebAccess {
  token: string;
  /** Host names (without port) the server answers to. */
  hostnames: readonly string[];
}

export const LOOPBACK_HOSTNAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;

export function isLoopbackHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
}

export function newWebAccess(extraHost?: string, token?: string): WebAccess {
  const hostnames: string[] = [...LOOPBACK_HOSTNAMES];
  if (extraHost && !isLoopbackHost(extraHost) && extraHost !== '0.0.0.0' && extraHost !== '::') {
    hostnames.push(extraHost.includes(':') ? `[${extraHost}]` : extraHost);
  }
  return { token: token ?? randomBytes(18).toString('base64url'), hostnames };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The onRequest guard (Refusals are Russian, as the page shows them). */
export function guardWebAccess(app: FastifyInstance, access: WebAccess): void {
  app.addHook('onRequest', async (req, reply) => {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const allowed = new Set(access.hostnames.map((h) => `${h}:${port}`));
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowed.has(host)) {
      return reply
        .code(403)
        .send({ error: 'Песочница открывается только по адресу, который она напечатала.' });
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin.toLowerCase().replace(/^http:\/\//, ''))) {
      return reply.code(403).send({ error: 'Запрос с чужой страницы отклонён.' });
    }
    if (!req.url.startsWith('/api/')) return;
    const given = req.headers['x-sandbox-token'] ?? (req.query as { token?: unknown }).token;
    if (typeof given !== 'string' || !same(given, access.token)) {
      return reply
        .code(401)
        .send({ error: 'Нужен токен песочницы: откройте ссылку с ?token=…, которую напечатал pnpm dev.' });
    }
  });
}
