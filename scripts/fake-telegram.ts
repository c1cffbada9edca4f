/**
 * The fake Telegram Bot API from packages/testkit as a standalone server, for `pnpm dev`
 * without bot tokens (sandbox mode): `tsx scripts/fake-telegram.ts`. Listens on
 * 127.0.0.1:$FAKE_TELEGRAM_PORT (default 8090); point TELEGRAM_API_ROOT at the printed URL.
 * Any `<digits>:<secret>` token is accepted. Every call a bot makes is printed on one line.
 */
import { type FakeCall, FakeTelegram } from '@fs/testkit';

const port = Number(process.env.FAKE_TELEGRAM_PORT ?? 8090);
const QUIET = new Set(['getUpdates', 'getMe', 'deleteWebhook', 'answerCallbackQuery']);
const KEEP_CALLS = 1000;
const STOP_DELAY_MS = Number(process.env.FAKE_TELEGRAM_STOP_DELAY_MS ?? 3000);

function describe(call: FakeCall): string {
  const p = call.params as Record<string, unknown>;
  const bot = call.token.split(':')[0];
  const chat = p.chat_id !== undefined ? ` chat=${String(p.chat_id)}` : '';
  const text = typeof p.text === 'string' ? p.text : typeof p.caption === 'string' ? p.caption : '';
  const shown = text ? ` "${text.replace(/\s+/g, ' ').slice(0, 120)}${text.length > 120 ? '…' : ''}"` : '';
  const status = call.response?.ok === false ? ` → ${call.response.error_code}` : '';
  return `bot ${bot} ${call.method}${chat}${shown}${status}`;
}

async function main(): Promise<void> {
  const fake = new FakeTelegram();
  const url = await fake.start(port);
  fake.onCall((call) => {
    if (!QUIET.has(call.method)) console.log(describe(call));
    // A long dev session must not keep every call in memory.
    if (fake.calls.length > KEEP_CALLS * 2) fake.calls.splice(0, fake.calls.length - KEEP_CALLS);
  });
  console.log(`fake Telegram Bot API listening on ${url} (TELEGRAM_API_ROOT=${url})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Under `pnpm dev` every process gets the signal at once: keep answering for a moment so
    // the bots' last calls (the long poll they abort, a final send) succeed while they drain.
    console.log(`fake Telegram: ${signal}, stopping in ${STOP_DELAY_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, STOP_DELAY_MS));
    await fake.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error('fake Telegram failed to start:', err);
  process.exit(1);
});
