import { z } from 'zod';
import { isLoopbackHost } from './access';

const token = z.string().regex(/^\d+:[\w-]{10,}$/, 'must look like 123456:ABC-DEF… (a bot token)');
const port = z.coerce.number().int().min(0).max(65535);

/**
 * The sandbox's environment (validated with @fs/config's parseConfig). The tokens are the
 * ones the bots use: any `<digits>:<secret>` works, since nothing reaches real Telegram.
 */
export const sandboxSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/ })
      .default('postgres://postgres@127.0.0.1:5432/field_service'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: z
      .enum(['true', 'false', '1', '0'])
      .transform((v) => v === 'true' || v === '1')
      .optional(),
    /** Where the web chat listens: loopback unless SANDBOX_ALLOW_REMOTE=true says otherwise. */
    SANDBOX_HOST: z.string().default('127.0.0.1'),
    /** The web chat's per-run token (pnpm dev makes one); a random one when unset. */
    SANDBOX_TOKEN: z
      .string()
      .regex(/^[\w-]{20,100}$/, 'must be 20-100 letters, digits, _ or -')
      .optional(),
    /** The explicit flag for a non-loopback SANDBOX_HOST (anyone who can reach it acts as staff). */
    SANDBOX_ALLOW_REMOTE: z
      .enum(['true', 'false', '1', '0'])
      .transform((v) => v === 'true' || v === '1')
      .default(false),
    /** The fake Bot API the bots call (their TELEGRAM_API_ROOT). */
    SANDBOX_API_PORT: port.default(8090),
    /** The web chat UI. */
    SANDBOX_WEB_PORT: port.default(8095),
    MASTER_BOT_TOKEN: token,
    ADMIN_BOT_TOKEN: token,
    /** The client bot's token (issue 17): the sandbox serves its Bot API too. */
    CLIENT_BOT_TOKEN: token.default('333333:dev-client-token-placeholder'),
    /** A fake SMSC.ru (the notifications sender's SMSC_API_ROOT): every SMS lands in the page's 📱 SMS tab. */
    SANDBOX_SMS_PORT: port.default(8091),
    /** On SIGTERM keep answering this long, so the bots' last calls succeed while they drain. */
    SANDBOX_STOP_DELAY_MS: z.coerce.number().int().min(0).max(30_000).default(3000),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['NODE_ENV'],
        message:
          'is production: the sandbox lets anyone act as any staff member and never runs in production',
      });
    }
    if (!isLoopbackHost(c.SANDBOX_HOST) && !c.SANDBOX_ALLOW_REMOTE) {
      ctx.addIssue({
        code: 'custom',
        path: ['SANDBOX_HOST'],
        message: 'is not loopback: set SANDBOX_ALLOW_REMOTE=true to expose the sandbox on purpose',
      });
    }
  });

export type SandboxConfig = z.infer<typeof sandboxSchema>;
