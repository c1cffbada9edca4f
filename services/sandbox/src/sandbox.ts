import { createDb, type Db } from '@fs/db';
import { createLogger, type Logger } from '@fs/observability';
import { type FakeCall, FakeSmsc, FakeTelegram } from '@fs/testkit';
import { isLoopbackHost, newWebAccess } from './access';
import type { SandboxConfig } from './config';
import { BOT_NAMES, People } from './people';
import { createWebServer } from './web-server';

export interface SandboxOptions {
  logger?: Logger;
  /** Overrides SANDBOX_API_PORT / SANDBOX_WEB_PORT (0 = any free port; tests). */
  apiPort?: number;
  webPort?: number;
  /** Overrides SANDBOX_SMS_PORT. */
  smsPort?: number;
  /** Where the fake Bot API listens (default 127.0.0.1), e.g. a Docker bridge's gateway for bots in containers. */
  apiHost?: string;
}

export interface Sandbox {
  /** The bots' TELEGRAM_API_ROOT, e.g. http://127.0.0.1:8090. */
  apiRoot: string;
  /** The notifications sender's SMSC_API_ROOT (a fake SMSC.ru), e.g. http://127.0.0.1:8091. */
  smsApiRoot: string;
  /** The credentials the sender must use with it (SMSC_LOGIN / SMSC_PASSWORD). */
  smsCredentials: { login: string; password: string };
  /** The web chat, e.g. http://127.0.0.1:8095 (its API needs `token`). */
  webUrl: string;
  /** This run's token: every /api/ call must carry it. */
  token: string;
  /** What a person opens: webUrl with the token, e.g. http://127.0.0.1:8095/?token=… */
  openUrl: string;
  fake: FakeTelegram;
  sms: FakeSmsc;
  stop(): Promise<void>;
}

/** The bots as the web page and their getMe show them (the client bot's username goes into SMS links). */
export const BOT_IDENTITIES = {
  admin: { username: 'fs_admin_sandbox_bot', first_name: 'Админ-бот' },
  master: { username: 'fs_master_sandbox_bot', first_name: 'Мастер-бот' },
  client: { username: 'fs_client_sandbox_bot', first_name: 'Клиент-бот' },
} as const;

const SMS_CREDENTIALS = { login: 'sandbox', password: 'sandbox-sms-password' };

const QUIET = new Set(['getUpdates', 'getMe', 'deleteWebhook', 'getWebhookInfo', 'answerCallbackQuery']);
/** A long session must not keep every recorded call in memory. */
const KEEP_CALLS = 1000;

function describeCall(call: FakeCall, bot: string): string {
  const p = call.params as Record<string, unknown>;
  const chat = p.chat_id !== undefined ? ` chat=${String(p.chat_id)}` : '';
  const text = typeof p.text === 'string' ? p.text : typeof p.caption === 'string' ? p.caption : '';
  const flat = text.replace(/\s+/g, ' ');
  const shown = flat ? ` "${flat.slice(0, 100)}${flat.length > 100 ? '…' : ''}"` : '';
  const status =
    call.response?.ok === false ? ` → ${call.response.error_code} ${call.response.description}` : '';
  return `${bot} bot ${call.method}${chat}${shown}${status}`;
}

/**
 * One process for trying the system without Telegram: the fake Bot API for the admin, master
 * and client bots (chats kept in memory while it runs), a fake SMS provider (SMSC.ru's API) whose
 * messages the page shows as each client's SMS inbox, and the web chat that lets a visitor act
 * as any person from the database.
 */
export async function startSandbox(config: SandboxConfig, opts: SandboxOptions = {}): Promise<Sandbox> {
  const logger =
    opts.logger ?? createLogger({ service: 'sandbox', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  // Checked here too (not only by the config schema), for any caller that builds a config itself.
  if (config.NODE_ENV === 'production') throw new Error('sandbox: refuses to run with NODE_ENV=production');
  if (!isLoopbackHost(config.SANDBOX_HOST) && !config.SANDBOX_ALLOW_REMOTE) {
    throw new Error('sandbox: SANDBOX_HOST is not loopback; set SANDBOX_ALLOW_REMOTE=true to mean it');
  }
  const tokens = {
    admin: config.ADMIN_BOT_TOKEN,
    master: config.MASTER_BOT_TOKEN,
    client: config.CLIENT_BOT_TOKEN,
  };
  if (new Set(Object.values(tokens)).size !== 3)
    throw new Error('sandbox: ADMIN_BOT_TOKEN, MASTER_BOT_TOKEN and CLIENT_BOT_TOKEN must differ');

  const fake = new FakeTelegram();
  for (const bot of BOT_NAMES) fake.configureBot(tokens[bot], BOT_IDENTITIES[bot]);
  const sms = new FakeSmsc(SMS_CREDENTIALS);
  sms.onMessage((m) => logger.info(`sms to ${m.phone} "${m.text.slice(0, 100)}"`));
  fake.onCall((call) => {
    const bot = BOT_NAMES.find((b) => tokens[b] === call.token) ?? 'unknown';
    if (!QUIET.has(call.method) || call.response?.ok === false) logger.info(describeCall(call, bot));
    if (fake.calls.length > KEEP_CALLS * 2) fake.calls.splice(0, fake.calls.length - KEEP_CALLS);
  });

  const db: Db = createDb(config.DATABASE_URL, { poolSize: 2, applicationName: 'sandbox' });
  const access = newWebAccess(config.SANDBOX_HOST, config.SANDBOX_TOKEN);
  const web = createWebServer({ fake, sms, tokens, people: new People(db), logger, access });
  try {
    const apiRoot = await fake.start(opts.apiPort ?? config.SANDBOX_API_PORT, opts.apiHost);
    const smsApiRoot = await sms.start(opts.smsPort ?? config.SANDBOX_SMS_PORT);
    await web.listen({ port: opts.webPort ?? config.SANDBOX_WEB_PORT, host: config.SANDBOX_HOST });
    const address = web.server.address();
    const port = typeof address === 'object' && address ? address.port : config.SANDBOX_WEB_PORT;
    const host = ['0.0.0.0', '::'].includes(config.SANDBOX_HOST) ? '127.0.0.1' : config.SANDBOX_HOST;
    const webUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const openUrl = `${webUrl}/?token=${access.token}`;
    logger.info({ apiRoot, smsApiRoot, webUrl }, 'sandbox ready: fake Bot API, fake SMSC and web chat');
    return {
      apiRoot,
      smsApiRoot,
      smsCredentials: SMS_CREDENTIALS,
      sms,
      webUrl,
      token: access.token,
      openUrl,
      fake,
      async stop() {
        await web.close();
        await fake.stop();
        await sms.stop();
        await db.destroy();
      },
    };
  } catch (err) {
    await web.close().catch(() => {});
    await fake.stop().catch(() => {});
    await sms.stop().catch(() => {});
    await db.destroy().catch(() => {});
    throw err;
  }
}
