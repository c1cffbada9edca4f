import { masterBotSchema, parseConfig } from '@fs/config';
import { writeSetting } from '@fs/db';
import type { MasterFixture } from '@fs/testkit';
import { type MasterBot, startMasterBot } from '../src/app';
import { type BotHarness, driver } from './harness';

/** Helpers for the onboarding tests: people who are not masters yet, the form in Redis, restarts. */

let seq = 0;
const base = 700_000_000 + Math.floor(Math.random() * 100_000_000);

/** A Telegram user with no master row (the harness driver only needs the Telegram id). */
export function newcomer(): MasterFixture {
  return { tg_user_id: base + ++seq * 10 } as MasterFixture;
}

const sessionKey = (h: BotHarness, p: Pick<MasterFixture, 'tg_user_id'>) =>
  `${h.redis.prefix}:session:master:${p.tg_user_id}:${p.tg_user_id}`;

/** The onboarding form stored in Redis for this person (undefined when none). */
export async function storedForm(
  h: BotHarness,
  p: Pick<MasterFixture, 'tg_user_id'>,
): Promise<Record<string, unknown> | undefined> {
  const raw = await h.redis.connection.get(sessionKey(h, p));
  const wizard = raw ? JSON.parse(raw).wizard : undefined;
  return wizard?.kind === 'onboarding' ? { ...wizard.data, at: wizard.at } : undefined;
}

/** The form without its activity stamp (to compare "nothing changed"). */
export async function formWithoutStamp(h: BotHarness, p: Pick<MasterFixture, 'tg_user_id'>) {
  const form = await storedForm(h, p);
  if (!form) return undefined;
  const { at: _at, ...rest } = form;
  return rest;
}

/** Makes the person's form look idle for `minutes`. */
export async function ageForm(h: BotHarness, p: Pick<MasterFixture, 'tg_user_id'>, minutes: number) {
  const key = sessionKey(h, p);
  const session = JSON.parse((await h.redis.connection.get(key))!);
  session.wizard.at = Date.now() - minutes * 60_000;
  await h.redis.connection.set(key, JSON.stringify(session), 'EX', 600);
}

export async function setDocumentsRequired(h: BotHarness, on: boolean) {
  await writeSetting(h.tdb.db, 'onboarding_require_documents', on, null);
}

let restarts = 0;
const restarted: MasterBot[] = [];

/** Stops the bots restartBot started (the harness's close() stops only its first bot). */
export async function stopRestartedBots(): Promise<void> {
  await Promise.all(restarted.splice(0).map((b) => b.stop()));
}

/**
 * Stops the harness's bot and starts a fresh process-equivalent on the same Postgres, Redis
 * and fake Telegram (a new public webhook URL, so the fake delivers to the new server).
 * `h.mb` is replaced: build a new driver afterwards.
 */
export async function restartBot(h: BotHarness): Promise<void> {
  await h.mb.stop();
  const publicUrl = `https://restart${++restarts}.example.com`;
  const config = parseConfig('master-bot', masterBotSchema, {
    DATABASE_URL: h.tdb.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: h.redis.url,
    REDIS_PREFIX: h.redis.prefix,
    MASTER_BOT_TOKEN: h.token,
    TELEGRAM_API_ROOT: h.fake.apiRoot,
    BOT_MODE: 'webhook',
    WEBHOOK_URL: `${publicUrl}/tg/master`,
    WEBHOOK_SECRET: 'test-secret-0123456789',
    LOG_LEVEL: 'silent',
    HTTP_HOST: '127.0.0.1',
  });
  h.mb = await startMasterBot(config, { httpPort: 0 });
  restarted.push(h.mb);
  h.fake.mapWebhookUrl(publicUrl, h.mb.httpUrl);
}

/** A callback answer without its query id: `{}`, `{ text }` or `{ text, show_alert }`. */
function bare(answer: { text?: string; show_alert?: boolean }) {
  const { text, show_alert } = answer;
  return { ...(text !== undefined ? { text } : {}), ...(show_alert ? { show_alert } : {}) };
}

/** The harness driver plus onboarding steps: tap the newest bot message that has a button. */
export function onboardingDriver(h: BotHarness) {
  const d = driver(h);
  const newestWith = (p: MasterFixture, label: string) => {
    const msgs = h.fake
      .chat(h.token, p.tg_user_id)
      .filter((m) => m.from?.id !== p.tg_user_id)
      .filter((m) => (m.reply_markup?.inline_keyboard ?? []).flat().some((b) => b.text === label));
    const msg = msgs[msgs.length - 1];
    if (!msg) throw new Error(`no bot message with the button "${label}"`);
    return msg.message_id;
  };
  return {
    ...d,
    newestWith,
    /** Taps the button `label` on the newest message that has it; returns the answer and message id. */
    async press(p: MasterFixture, label: string) {
      const messageId = newestWith(p, label);
      const answer = bare(await d.tap(p, messageId, { text: label }));
      return { answer, messageId, message: d.shown(p, messageId) };
    },
    /** Sends forged or stale callback data on the newest bot message. */
    async forge(p: MasterFixture, data: string) {
      const last = d.lastBotMessage(p);
      const answer = bare(await d.tap(p, last.message_id, { data, unchecked: true }));
      return { answer, message: d.shown(p, last.message_id) };
    },
    sticker: (p: MasterFixture) =>
      d.sendRaw(p, {
        sticker: {
          file_id: 'sticker-1',
          file_unique_id: 'st1',
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
        },
      }),
    async start(p: MasterFixture, payload?: string) {
      return d.send(p, payload ? `/start ${payload}` : '/start');
    },
  };
}

export type OnboardingDriver = ReturnType<typeof onboardingDriver>;

export interface WalkOptions {
  payout?: 'card' | 'sbp';
  vehicle?: boolean;
  /** Documents are required (the passport and selfie steps exist). */
  documents?: boolean;
  /** The /start payload (a deep link such as `ref_ABCD2345`). */
  payload?: string;
}

/** The form's steps in the order the default walk answers them. */
export const WALK = [
  'consent',
  'name',
  'phone',
  'city',
  'districts',
  'skills',
  'vehicle',
  'plate',
  'base_point',
  'payout',
  'requisites',
  'sbp_bank',
  'passport',
  'selfie',
  'referral',
  'summary',
  'edit',
] as const;
export type WalkStep = (typeof WALK)[number];

/**
 * Starts the form and answers every step before `target` with valid input (Moscow, ЦАО,
 * electrics, …). The person ends at `target` (its prompt is the newest bot message).
 */
export async function walkTo(
  o: OnboardingDriver,
  p: MasterFixture,
  target: WalkStep,
  opts: WalkOptions = {},
) {
  const payout = opts.payout ?? 'card';
  const vehicle = opts.vehicle ?? true;
  const answers: Record<WalkStep, (() => Promise<unknown>) | null> = {
    consent: async () => o.press(p, '✅ Согласен'),
    name: async () => o.send(p, 'Петров Пётр'),
    phone: async () => o.send(p, '+79990001122'),
    city: async () => o.send(p, 'Москва'),
    districts: async () => {
      await o.press(p, '▫️ ЦАО');
      await o.press(p, '✅ Готово');
    },
    skills: async () => {
      await o.press(p, '▫️ ⚡ Электрика');
      await o.press(p, '✅ Готово');
    },
    vehicle: async () => o.press(p, vehicle ? '🚗 Есть авто' : '🚶 Нет авто'),
    plate: vehicle ? async () => o.send(p, 'А123ВС77') : null,
    base_point: async () => o.press(p, '⏭️ Пропустить'),
    payout: async () => o.press(p, payout === 'card' ? '💳 Карта' : '📱 СБП'),
    requisites: async () => o.send(p, payout === 'card' ? '4111 1111 1111 1111' : '89990001122'),
    sbp_bank: payout === 'sbp' ? async () => o.press(p, 'Сбер') : null,
    passport: opts.documents ? async () => o.sendPhoto(p) : null,
    selfie: opts.documents ? async () => o.sendPhoto(p) : null,
    referral: async () => o.press(p, '⏭️ Пропустить'),
    summary: async () => o.press(p, '✏️ Изменить'),
    edit: null,
  };
  await o.start(p, opts.payload);
  for (const step of WALK) {
    if (step === target) return;
    await answers[step]?.();
  }
}
