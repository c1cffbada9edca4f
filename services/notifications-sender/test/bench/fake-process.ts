/**
 * testkit's fake Bot API in its own process for the bench, so the figures measure the sender
 * and not the fake sharing its event loop (the real Telegram is not in the sender's process).
 * argv: <limit per second | none> [latency ms] [burst]
 */
import { FakeTelegram } from '@fs/testkit';

const limit = process.argv[2] === 'none' ? null : Number(process.argv[2]);
const latencyMs = Number(process.argv[3] ?? 0);
const burst = process.argv[4] ? Number(process.argv[4]) : undefined;
const api = new FakeTelegram();
void api.start().then((apiRoot) => {
  api.setRateLimit(
    limit === null ? null : { perSecond: limit, retryAfter: 1, ...(burst !== undefined ? { burst } : {}) },
  );
  if (latencyMs > 0) api.setLatency(latencyMs);
  process.send?.({ url: apiRoot });
});
process.on('message', (m) => {
  if (m === 'stats') {
    const sends = api.callsOf('sendMessage');
    process.send?.({
      at: sends.filter((c) => c.response?.ok).map((c) => c.at),
      limitedAt: sends
        .filter((c) => c.response?.ok === false && c.response.error_code === 429)
        .map((c) => c.at),
      rateLimited: sends.filter((c) => c.response && !c.response.ok && c.response.error_code === 429).length,
    });
  }
  if (m === 'exit') void api.stop().then(() => process.exit(0));
});
