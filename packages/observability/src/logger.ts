import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Human-readable output (development). Defaults to true when stdout is a TTY outside production. */
  pretty?: boolean;
  /** Where JSON lines go (default stdout); tests read the log through it. */
  destination?: DestinationStream;
}

/** pino JSON logs with a `service` field; add order_id / master_id / job_id via child loggers. */
export function createLogger(opts: LoggerOptions): Logger {
  const pretty =
    opts.destination === undefined &&
    (opts.pretty ?? (process.stdout.isTTY && process.env.NODE_ENV !== 'production'));
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['*.token', '*.password', 'config.*_TOKEN', 'config.WEBHOOK_SECRET'],
      censor: '[redacted]',
    },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (!pretty) return pino(options);
  // pino-pretty as an in-process stream rather than a worker-thread transport: a transport is
  // loaded by file path at run time, which a bundled service (dist/main.js) does not have.
  return pino(
    options,
    pinoPretty({ singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }),
  );
}
