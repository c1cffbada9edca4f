import type { Logger } from './logger';

/**
 * What a failing dependency (PostgreSQL, Redis) looks like, in one place: the bots use it to
 * tell a person "temporary trouble" instead of "something went wrong", /health/ready to give a
 * short reason instead of a raw error, and connection listeners to log a state change once.
 */

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, too many connections.
  '57P01': 'server shutting down',
  '57P02': 'server shutting down',
  '57P03': 'server starting',
  '53300': 'too many connections',
};

const MESSAGES: [RegExp, string][] = [
  [/enableOfflineQueue|Connection is closed|Stream isn't writeable/i, 'not connected'],
  [/max retries per request/i, 'not connected'],
  [/Command timed out|timeout exceeded when trying to connect|timed out/i, 'timed out'],
  [/Connection terminated/i, 'connection reset'],
  [/ECONNREFUSED/, 'connection refused'],
];

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  let e = err as { code?: unknown; errors?: unknown[]; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
    // AggregateError (a host with several addresses): any inner network error counts.
    if (Array.isArray(e.errors)) for (const inner of e.errors) codes.push(...codesOf(inner));
    e = e.cause as typeof e;
  }
  return codes;
}

/**
 * A short, safe reason ("connection refused", "timed out", …) when `err` means a dependency is
 * unreachable or overloaded; null for any other error (a bug, bad data).
 */
export function dependencyFailure(err: unknown): string | null {
  for (const code of codesOf(err)) {
    const reason = NETWORK_CODES[code];
    if (reason) return reason;
  }
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  for (const [re, reason] of MESSAGES) if (re.test(message)) return reason;
  return null;
}

/**
 * Logs a connection's trouble once per change of state: the first error after being healthy
 * (warn, with a short reason) and the recovery (info), instead of one line per reconnect
 * attempt. `up()`/`down(err)` may be called from several emitters of the same connection.
 */
export class ConnectionState {
  private healthy = true;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  get isHealthy(): boolean {
    return this.healthy;
  }

  down(err: unknown): void {
    if (!this.healthy) return;
    this.healthy = false;
    this.logger.warn(
      { dependency: this.what, reason: dependencyFailure(err) ?? shortMessage(err) },
      `${this.what} connection lost`,
    );
  }

  up(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.info({ dependency: this.what }, `${this.what} connection restored`);
  }
}

/** An error's first line, at most 120 characters (no stack, no connection string). */
export function shortMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n', 1)[0] ?? '').slice(0, 120);
}
