import { z } from 'zod';

/**
 * Environment of each service, validated once at start-up. A missing or malformed variable
 * stops the service with a message naming it. Secrets (bot tokens, webhook secret) have no
 * defaults.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const common = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .default('postgres://postgres@127.0.0.1:5432/field_service'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix; the braces make it a Redis Cluster hash tag. */
  REDIS_PREFIX: z
    .string()
    .regex(/^\{[a-z0-9_-]+\}$/i, 'must be a hash tag like {fs}')
    .default('{fs}'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.optional(),
  /**
   * Interface of the ops server (/health/*, /metrics, the bots' webhook). Loopback by default:
   * nothing there is for the public. Containers set 0.0.0.0 (docker-compose.yml, the k8s
   * ConfigMap) so that probes, Prometheus and Telegram reach it, behind the deployment's network.
   */
  HTTP_HOST: z.string().default('127.0.0.1'),
  // Each service's HTTP_PORT (below) accepts 0 = any free port, for tests.
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(10_000),
};

const telegram = {
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
};

const botToken = z
  .string()
  .regex(/^\d+:[\w-]{10,}$/, 'must look like 123456:ABC-DEF… (a Telegram bot token)');

const bot = {
  ...telegram,
  BOT_MODE: z.enum(['polling', 'webhook']).default('polling'),
  WEBHOOK_URL: z.url().optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z a-z 0-9 _ -')
    .optional(),
  /** How long a half-filled wizard lives in Redis. */
  SESSION_TTL_SECONDS: z.coerce.number().int().min(60).default(1800),
  /** A wizard idle this long expires politely ("Сессия истекла"); both bots, every wizard. */
  WIZARD_IDLE_SECONDS: z.coerce.number().int().min(60).default(900),
};

function requireWebhook<
  T extends {
    BOT_MODE: string;
    WEBHOOK_URL?: string;
    WEBHOOK_SECRET?: string;
    SESSION_TTL_SECONDS: number;
    WIZARD_IDLE_SECONDS: number;
  },
>(v: T, ctx: z.RefinementCtx) {
  // The session must outlive the wizard, or an idle wizard vanishes without "Сессия истекла".
  if (v.WIZARD_IDLE_SECONDS >= v.SESSION_TTL_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      path: ['WIZARD_IDLE_SECONDS'],
      message: 'must be less than SESSION_TTL_SECONDS',
    });
  }
  if (v.BOT_MODE !== 'webhook') return;
  if (!v.WEBHOOK_URL)
    ctx.addIssue({ code: 'custom', path: ['WEBHOOK_URL'], message: 'is required when BOT_MODE=webhook' });
  if (!v.WEBHOOK_SECRET)
    ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'is required when BOT_MODE=webhook' });
}

/**
 * Geocoding of order addresses (issue 18). Without a provider every order gets its street's or
 * district's centre. `yandex`: the Yandex Geocoder HTTP API (GEOCODER_API_KEY required).
 */
const geocoder = {
  GEOCODER_PROVIDER: z.enum(['none', 'yandex']).default('none'),
  GEOCODER_URL: z.url().default('https://geocode-maps.yandex.ru/v1'),
  GEOCODER_API_KEY: z.string().min(1).optional(),
  /** One geocoding request may take this long; then the order gets a centroid and is created. */
  GEOCODER_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2500),
};

function requireGeocoderKey<T extends { GEOCODER_PROVIDER: string; GEOCODER_API_KEY?: string }>(
  v: T,
  ctx: z.RefinementCtx,
) {
  if (v.GEOCODER_PROVIDER !== 'none' && !v.GEOCODER_API_KEY)
    ctx.addIssue({
      code: 'custom',
      path: ['GEOCODER_API_KEY'],
      message: `is required when GEOCODER_PROVIDER=${v.GEOCODER_PROVIDER}`,
    });
}

/**
 * SMS for client notices (issue 17). `none` = SMS off: client notices go only to clients who
 * opened their link in the client bot, and staff hand out the link themselves. `smsc`: SMSC.ru.
 */
const sms = {
  SMS_PROVIDER: z.enum(['none', 'smsc']).default('none'),
  /** SMSC.ru API root; a fake provider in tests and the sandbox. */
  SMSC_API_ROOT: z.url().default('https://smsc.ru'),
  SMSC_LOGIN: z.string().min(1).optional(),
  SMSC_PASSWORD: z.string().min(1).optional(),
  /** Used instead of SMSC_LOGIN/SMSC_PASSWORD when set. */
  SMSC_API_KEY: z.string().min(1).optional(),
  /** A Sender ID registered with SMSC (up to 11 Latin letters or digits). */
  SMSC_SENDER: z
    .string()
    .regex(/^[A-Za-z0-9._ -]{1,11}$/, 'must be up to 11 Latin letters, digits, dots, dashes or spaces')
    .optional(),
};

function requireSmsCredentials<
  T extends { SMS_PROVIDER: string; SMSC_LOGIN?: string; SMSC_PASSWORD?: string; SMSC_API_KEY?: string },
>(v: T, ctx: z.RefinementCtx) {
  if (v.SMS_PROVIDER !== 'smsc' || v.SMSC_API_KEY) return;
  for (const name of ['SMSC_LOGIN', 'SMSC_PASSWORD'] as const) {
    if (!v[name])
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'is required when SMS_PROVIDER=smsc (or set SMSC_API_KEY)',
      });
  }
}

/** The outbox relay loop (@fs/runtime startRelayLoop) of the scheduler and the sender. */
const outboxRelay = {
  /** How often the outbox relay looks for rows whose enqueue was lost. */
  OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(200).default(5000),
  /** A pending row enqueued this long ago is enqueued again (its job was lost, e.g. with Redis). */
  OUTBOX_RELAY_STALE_MS: z.coerce.number().int().min(1000).default(15_000),
};

/** The client bot's public @username: deep links `t.me/<username>?start=<token>` are built with it. */
const clientBotUsername = z
  .string()
  .regex(/^@?[A-Za-z][A-Za-z0-9_]{3,31}$/, 'must be a bot username like field_service_bot')
  .transform((v) => v.replace(/^@/, ''));

export const masterBotSchema = z
  .object({
    ...common,
    ...bot,
    MASTER_BOT_TOKEN: botToken,
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8082),
  })
  .superRefine(requireWebhook);

export const adminBotSchema = z
  .object({
    ...common,
    ...bot,
    ADMIN_BOT_TOKEN: botToken,
    ...geocoder,
    /**
     * Optional: lets staff open files masters sent to the master bot (acts, receipts, profile
     * documents). Telegram file ids are per bot, so the admin bot downloads them with this token.
     */
    MASTER_BOT_TOKEN: botToken.optional(),
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
    /** The client bot's username, for the "🔗 Ссылка для клиента" button; without it the button is hidden. */
    CLIENT_BOT_USERNAME: clientBotUsername.optional(),
    /** Comma-separated Telegram ids that are global admins from the first start. */
    GLOBAL_ADMIN_TG_IDS: z
      .string()
      .regex(/^(\d+(,\s*\d+)*)?$/, 'must be comma-separated Telegram user ids')
      .default('')
      .transform((s) => (s ? s.split(',').map((x) => Number(x.trim())) : [])),
  })
  .superRefine(requireWebhook)
  .superRefine(requireGeocoderKey);

export const schedulerSchema = z
  .object({
    ...common,
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8083),
    DISTRIBUTION_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(8),
    /** Waiting orders of a city one batch round takes at most (issue 12); 1 = the per-order path. */
    DISTRIBUTION_BATCH_ORDERS: z.coerce.number().int().min(1).max(500).default(50),
    ...outboxRelay,
    SETTINGS_CACHE_MS: z.coerce.number().int().min(0).default(3000),
    /** bull-board at /admin/queues behind basic auth; mounted only when both are set. */
    BULL_BOARD_USER: z.string().min(1).optional(),
    BULL_BOARD_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.BULL_BOARD_USER) !== Boolean(v.BULL_BOARD_PASSWORD)) {
      const missing = v.BULL_BOARD_USER ? 'BULL_BOARD_PASSWORD' : 'BULL_BOARD_USER';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'is required when the other BULL_BOARD_* is set',
      });
    }
  });

export const clientBotSchema = z
  .object({
    ...common,
    ...bot,
    CLIENT_BOT_TOKEN: botToken,
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8085),
    /**
     * Mounts `POST /sms/inbound/<secret>` for the SMS provider's incoming messages ("STOP");
     * unset = no route. Give the provider the full URL.
     */
    SMS_INBOUND_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be 16-128 characters of A-Z a-z 0-9 _ -')
      .optional(),
  })
  .superRefine(requireWebhook);

export const senderSchema = z
  .object({
    ...common,
    ...telegram,
    ...sms,
    MASTER_BOT_TOKEN: botToken,
    ADMIN_BOT_TOKEN: botToken,
    /** The client bot (issue 17); without it client notices go by SMS only. */
    CLIENT_BOT_TOKEN: botToken.optional(),
    /** Needed to put the client bot's link into SMS texts. */
    CLIENT_BOT_USERNAME: clientBotUsername.optional(),
    /** SMS per second to the provider, for all sender replicas together. */
    SMS_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(10),
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8084),
    /**
     * Messages per second per bot token, for all replicas together (Telegram's bulk limit is
     * ~30/s; 1000/s with paid broadcasts). 30, not a margin below it: the send gate starts sends
     * on slots exactly 1/30 s apart and never more than 100 ms late, so no window ever holds
     * more than 30/s plus 4 at once, which Telegram's flood control tolerates; a margin would
     * only cost throughput (28 was 93 % of the limit by configuration). A 429 still pauses the token.
     */
    SENDER_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(30),
    /**
     * The sender holds no connection while it waits for Telegram: its statements are batched
     * (claim, record, lease renewal), a few at a time. More connections do not help on 2 cores.
     */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(6),
    /**
     * Sends in flight per replica and bot token. A send costs memory, not a connection: enough
     * to stay at 30 msg/s while Telegram answers in 5 s. A job is held for its answer plus up to
     * 1 s waiting for its send slot (the limiter starts each second's jobs together) plus its
     * claim and record: 30 × (5 + 1 + statements) ≈ 190.
     */
    SENDER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(200),
    /**
     * A claimed row's lease (L), renewed every L/10 while its sender lives; others take a row
     * 1.5 L after its last renewal. 5 s keeps a dead sender's rows within 10 s of the kill
     * (0.1 L + 1.5 L + one sweep ≈ 9 s) while a live sender may stall for L without a duplicate.
     */
    SENDER_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(5000),
    /** How often each sender claims expired leases, rows whose pause is over and rows whose job is late. */
    SENDER_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** Rows per claim and record statement. */
    SENDER_BATCH: z.coerce.number().int().min(1).max(1000).default(100),
    /** A Bot API call without an answer after this is abandoned (it may have been delivered). */
    SENDER_TELEGRAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    /** A send that timed out is tried once more after this pause (not at all if it times out again). */
    SENDER_TIMEOUT_RETRY_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    SENDER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    SENDER_BACKOFF_MS: z.coerce.number().int().min(10).default(2000),
    /** A 429 asking for longer than this delays only that job instead of pausing the token. */
    SENDER_MAX_RETRY_AFTER_S: z.coerce.number().int().min(1).default(60),
    /** Minimum spacing between two messages to the same chat. */
    SENDER_PER_CHAT_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
    ...outboxRelay,
  })
  .superRefine(requireSmsCredentials);

export type MasterBotConfig = z.infer<typeof masterBotSchema>;
export type AdminBotConfig = z.infer<typeof adminBotSchema>;
export type SchedulerConfig = z.infer<typeof schedulerSchema>;
export type SenderConfig = z.infer<typeof senderSchema>;
export type ClientBotConfig = z.infer<typeof clientBotSchema>;

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Secrets and connection strings: a value copied from an example must not start a service. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|API_KEY|_URL)$/;
/** What the examples (.env.example, infra/k8s/secret.example.yaml) put where a secret goes. */
const PLACEHOLDER = /CHANGE_?ME/i;

function placeholderSecrets(env: Record<string, unknown>, parsed: unknown): string[] {
  const known = parsed && typeof parsed === 'object' ? new Set(Object.keys(parsed)) : null;
  return Object.entries(env)
    .filter(
      ([k, v]) => SECRET_NAME.test(k) && (known === null || known.has(k)) && PLACEHOLDER.test(String(v)),
    )
    .map(([k]) => `${k} is still the example's placeholder (CHANGE_ME): set the real value`);
}

/** Parses the environment; throws ConfigError listing every problem by variable name. */
export function parseConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<S>> {
  // Empty strings count as unset, so `FOO=` in a .env file means "use the default".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  const problems = result.success
    ? []
    : result.error.issues.map((i) => {
        const name = i.path.join('.') || '(environment)';
        const missing = i.code === 'invalid_type' && (i as { input?: unknown }).input === undefined;
        return missing ? `${name} is required but not set` : `${name} ${i.message}`;
      });
  problems.push(...placeholderSecrets(cleaned, result.success ? result.data : undefined));
  if (!result.success || problems.length > 0) throw new ConfigError(service, problems);
  return Object.freeze(result.data);
}

/** For a service's main(): parse, or print every problem and exit 1. */
export function loadConfigOrExit<S extends z.ZodType>(service: string, schema: S): Readonly<z.infer<S>> {
  try {
    return parseConfig(service, schema);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
