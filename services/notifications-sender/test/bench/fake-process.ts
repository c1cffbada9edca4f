/**
 * The fake Bot API in its own process for the bench, so the figures measure the sender and not
 * the fake sharing its event loop (the real Telegram is not in the sender's process either).
 */
import { FakeBotApi } from '../fake-bot-api';

const limit = process.argv[2] === 'none' ? null : Number(process.argv[2]);
const api = new FakeBotApi();
void api.start().then(() => {
  api.setRateLimit(limit);
  process.send?.({ url: api.url });
});
process.on('message', (m) => {
  if (m === 'stats') process.send?.({ at: api.delivered().map((c) => c.at), rateLimited: api.rateLimited });
  if (m === 'exit') void api.close().then(() => process.exit(0));
});
