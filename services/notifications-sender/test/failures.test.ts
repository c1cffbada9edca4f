import type { OutboxRef } from '@fs/queue';
import { createMaster, createStaff } from '@fs/testkit';
import { Telegram } from 'telegraf';
import {
  callsTo,
  type Harness,
  insertRow,
  MASTER_TOKEN,
  newOfferRow,
  outboxRow,
  rowsOf,
  sleep,
  startHarness,
  statusOf,
  waitFor,
  waitForStatus,
} from './harness';

/** Every alert in this file goes to this one global admin (no city staff, no alerts channel). */
let admin: { id: number; tg_user_id: number | null };
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SENDER_MAX_ATTEMPTS: '3', SENDER_BACKOFF_MS: '50' });
  admin = await createStaff(h.db, { role: 'global_admin', fullName: 'Главный Админ' });
});
afterAll(() => h.close());
beforeEach(() => h.api.reset());

const jobOf = (id: number) => h.sender.base.queues.notifyMaster.getJob(`outbox-${id}`);

describe('429 Too Many Requests', () => {
  it('waits retry_after for the whole token, delivers once, and counts no attempt', async () => {
    const a = await createMaster(h.db);
    const b = await createMaster(h.db);
    const first = await newOfferRow(h.db, { masterId: a.id });
    const second = await newOfferRow(h.db, { masterId: b.id });
    h.api.failNext({ chatId: a.tg_user_id, error: { kind: 'rate_limit', retryAfter: 2 } });
    await h.enqueue([first.ref]);
    const limited = await waitFor('the 429', () => callsTo(h.api, a.tg_user_id)[0]);
    // Once the sender has paused the queue (the job is back in wait), a message to someone else
    // waits too: the pause is per token.
    await waitFor('the pause', async () => (await (await jobOf(first.ref.id))?.getState()) === 'waiting');
    await h.enqueue([second.ref]);

    const row = await waitForStatus(h.db, first.ref.id, 'sent', 10_000);
    await waitForStatus(h.db, second.ref.id, 'sent', 10_000);
    const calls = callsTo(h.api, a.tg_user_id, 'sendMessage');
    expect(calls.map(statusOf)).toEqual([429, 200]);
    expect(calls[1]!.at - limited.at).toBeGreaterThanOrEqual(2000);
    expect(callsTo(h.api, b.tg_user_id)[0]!.at - limited.at).toBeGreaterThanOrEqual(2000);
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBeNull();
    expect(await h.sender.base.registry.metrics()).toMatch(
      /notifications_telegram_429_total\{[^}]*bot="master"[^}]*\} 1/,
    );
  });

  it('a retry_after above the cap delays only that job', async () => {
    const a = await createMaster(h.db);
    const b = await createMaster(h.db);
    const first = await newOfferRow(h.db, { masterId: a.id });
    const second = await newOfferRow(h.db, { masterId: b.id });
    h.api.failNext({ chatId: a.tg_user_id, error: { kind: 'rate_limit', retryAfter: 3600 } });
    await h.enqueue([first.ref]);
    await waitFor('the 429', () => callsTo(h.api, a.tg_user_id)[0]);
    await h.enqueue([second.ref]);
    await waitForStatus(h.db, second.ref.id, 'sent', 5000);
    const job = await waitFor('delayed job', async () => {
      const j = await jobOf(first.ref.id);
      return j && (await j.getState()) === 'delayed' ? j : null;
    });
    expect(job.delay).toBeGreaterThan(3_590_000);
    expect((await outboxRow(h.db, first.ref.id)).status).toBe('pending');
    await job.remove();
  });
});

describe('403 blocked by the user', () => {
  it('marks the master unreachable, alerts staff once, and never retries', async () => {
    const m = await createMaster(h.db, { fullName: 'Пётр Блокер' });
    const { ref } = await newOfferRow(h.db, { masterId: m.id });
    h.api.failNext({ chatId: m.tg_user_id, times: Infinity, error: { kind: 'blocked' } });
    await h.enqueue([ref]);

    const row = await waitForStatus(h.db, ref.id, 'failed');
    expect(row.last_error).toBe('unreachable: 403: Forbidden: bot was blocked by the user');
    const master = await h.db
      .selectFrom('masters')
      .select('is_unreachable')
      .where('id', '=', m.id)
      .executeTakeFirstOrThrow();
    expect(master.is_unreachable).toBe(true);

    const alerts = (await rowsOf(h.db, 'recipient_unreachable')).filter(
      (r) => (r.payload as { recipient_id: number }).recipient_id === m.id,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ bot: 'admin', staff_user_id: admin.id });
    await waitForStatus(h.db, alerts[0]!.id, 'sent');
    const dm = callsTo(h.api, admin.tg_user_id!, 'sendMessage');
    expect(dm.map((c) => c.params.text)).toEqual([
      [
        '<b>📵 Получатель недоступен</b>',
        '',
        `Мастер Пётр Блокер (#${m.id}) заблокировал бота или удалил аккаунт.`,
        'Сообщения ему не доставляются, новые заказы ему не предлагаются, пока он снова не откроет бот.',
        'Ошибка: 403: Forbidden: bot was blocked by the user',
      ].join('\n'),
    ]);

    await sleep(300);
    expect(callsTo(h.api, m.tg_user_id, 'sendMessage')).toHaveLength(1);
    const job = (await jobOf(ref.id))!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
  });

  it('a burst of 403s for one master produces one alert', async () => {
    const m = await createMaster(h.db);
    h.api.failNext({ chatId: m.tg_user_id, times: Infinity, error: { kind: 'deactivated' } });
    const refs: OutboxRef[] = [];
    for (let i = 0; i < 6; i++)
      refs.push(
        await insertRow(h.db, {
          bot: 'master',
          event: 'limit_changed',
          master_id: m.id,
          payload: { limit: i },
        }),
      );
    await h.enqueue(refs);
    await waitFor('all rows final', async () => {
      const rows = await Promise.all(refs.map((r) => outboxRow(h.db, r.id)));
      return rows.every((r) => r.status !== 'pending' && r.status !== 'sending');
    });
    const statuses = await Promise.all(refs.map(async (r) => (await outboxRow(h.db, r.id)).status));
    expect(statuses.every((s) => s === 'failed' || s === 'skipped')).toBe(true);
    const alerts = (await rowsOf(h.db, 'recipient_unreachable')).filter(
      (r) => (r.payload as { recipient_id: number }).recipient_id === m.id,
    );
    expect(alerts).toHaveLength(1);
    const logged = await h.db
      .selectFrom('system_events')
      .select('message')
      .where('master_id', '=', m.id)
      .execute();
    expect(logged).toHaveLength(1);
    expect(logged[0]!.message).toContain(`recipient unreachable: master #${m.id}`);
    await waitForStatus(h.db, alerts[0]!.id, 'sent');
    const sends = callsTo(h.api, m.tg_user_id, 'sendMessage').length;
    expect(sends).toBeGreaterThanOrEqual(1);
    expect(sends).toBeLessThanOrEqual(refs.length);
  });
});

describe('5xx and network errors', () => {
  it('retries with growing backoff, then fails and alerts staff', async () => {
    const m = await createMaster(h.db, { fullName: 'Сергей' });
    const { ref, orderId } = await newOfferRow(h.db, { masterId: m.id });
    h.api.failNext({ chatId: m.tg_user_id, times: Infinity, error: { kind: 'server_error', code: 502 } });
    await h.enqueue([ref]);

    const row = await waitForStatus(h.db, ref.id, 'failed');
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBe('gave up after 3 attempts: 502: Bad Gateway');
    const calls = callsTo(h.api, m.tg_user_id, 'sendMessage');
    expect(calls).toHaveLength(3);
    // Backoff base 50 ms with jitter in [d/2, d]: ≥25 ms, then ≥50 ms.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(25);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(50);

    const alerts = (await rowsOf(h.db, 'delivery_failed')).filter(
      (r) => (r.payload as { outbox_id: number }).outbox_id === ref.id,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ staff_user_id: admin.id, order_id: orderId });
    const logged = await h.db
      .selectFrom('system_events')
      .select(['source', 'level', 'message'])
      .where('order_id', '=', orderId)
      .execute();
    expect(logged).toEqual([
      {
        source: 'sender',
        level: 'error',
        message: `delivery failed: outbox #${ref.id} (new_offer) to мастер Сергей (#${m.id}): gave up after 3 attempts: 502: Bad Gateway`,
      },
    ]);
    await waitForStatus(h.db, alerts[0]!.id, 'sent');
    expect(callsTo(h.api, admin.tg_user_id!, 'sendMessage').map((c) => c.params.text)).toEqual([
      [
        '<b>❗ Сообщение не доставлено</b>',
        '',
        'Событие: Новый заказ (пуш мастеру)',
        `Получатель: мастер Сергей (#${m.id})`,
        'Ошибка: gave up after 3 attempts: 502: Bad Gateway',
        `Запись outbox: #${ref.id}`,
      ].join('\n'),
    ]);
    await sleep(200);
    expect(callsTo(h.api, m.tg_user_id)).toHaveLength(3);
  });

  it('a transient error followed by success delivers once and records the attempts', async () => {
    const m = await createMaster(h.db);
    const { ref } = await newOfferRow(h.db, { masterId: m.id });
    h.api.failNext({ chatId: m.tg_user_id, times: 2, error: { kind: 'server_error' } });
    await h.enqueue([ref]);
    const row = await waitForStatus(h.db, ref.id, 'sent');
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBeNull();
    expect(callsTo(h.api, m.tg_user_id).map(statusOf)).toEqual([500, 500, 200]);
  });
});

describe('other 400s and edits', () => {
  it('a bad request fails at once with a staff alert', async () => {
    const m = await createMaster(h.db);
    const ref = await insertRow(h.db, {
      bot: 'master',
      event: 'account_blocked',
      master_id: m.id,
      payload: { reason: 'долг' },
    });
    h.api.failNext({
      chatId: m.tg_user_id,
      error: { kind: 'bad_request', description: "can't parse entities" },
    });
    await h.enqueue([ref]);
    const row = await waitForStatus(h.db, ref.id, 'failed');
    expect(row.last_error).toBe("400: Bad Request: can't parse entities");
    expect(row.attempts).toBe(1);
    const alerts = (await rowsOf(h.db, 'delivery_failed')).filter(
      (r) => (r.payload as { outbox_id: number }).outbox_id === ref.id,
    );
    expect(alerts).toHaveLength(1);
    expect(callsTo(h.api, m.tg_user_id)).toHaveLength(1);
  });

  it('an edit with the same text counts as sent, an edit of a deleted message as skipped', async () => {
    const { ref, offer, orderId, masterId, chatId } = await newOfferRow(h.db);
    await h.enqueue([ref]);
    const push = await waitForStatus(h.db, ref.id, 'sent');
    const closed = async (reason: 'expired' | 'taken', n: number) => {
      const r = await insertRow(h.db, {
        bot: 'master',
        event: 'offer_closed',
        master_id: masterId,
        order_id: orderId,
        offer_id: offer.id,
        payload: { offer_id: offer.id, order_id: orderId, reason },
        dedup_key: `test-closed-${offer.id}-${n}`,
      });
      await h.enqueue([r]);
      return r;
    };
    await waitForStatus(h.db, (await closed('taken', 1)).id, 'sent');
    // The same edit again: Telegram answers "message is not modified".
    const again = await closed('taken', 2);
    await waitForStatus(h.db, again.id, 'sent');
    expect(callsTo(h.api, chatId, 'editMessageText').map(statusOf)).toEqual([200, 400]);

    await new Telegram(MASTER_TOKEN, { apiRoot: h.api.apiRoot }).deleteMessage(chatId, push.tg_message_id!);
    const gone = await closed('expired', 3);
    expect((await waitForStatus(h.db, gone.id, 'skipped')).last_error).toBe('message to edit is gone');
    const failedAlerts = (await rowsOf(h.db, 'delivery_failed')).filter((x) => x.order_id === orderId);
    expect(failedAlerts).toHaveLength(0);
  });
});

describe('per-chat interval', () => {
  it('spaces messages to one chat by SENDER_PER_CHAT_INTERVAL_MS', async () => {
    await h.restart({
      SENDER_MAX_ATTEMPTS: '3',
      SENDER_BACKOFF_MS: '50',
      SENDER_PER_CHAT_INTERVAL_MS: '400',
    });
    const m = await createMaster(h.db);
    const other = await createMaster(h.db);
    const refs: OutboxRef[] = [];
    for (let i = 0; i < 3; i++)
      refs.push(
        await insertRow(h.db, {
          bot: 'master',
          event: 'limit_changed',
          master_id: m.id,
          payload: { limit: i },
        }),
      );
    const otherRef = await insertRow(h.db, {
      bot: 'master',
      event: 'limit_changed',
      master_id: other.id,
      payload: { limit: 9 },
    });
    const started = Date.now();
    await h.enqueue([...refs, otherRef]);
    for (const r of refs) await waitForStatus(h.db, r.id, 'sent');
    const at = callsTo(h.api, m.tg_user_id, 'sendMessage')
      .map((c) => c.at)
      .sort((x, y) => x - y);
    expect(at).toHaveLength(3);
    // Reserved 400 ms apart; the margin is for transit jitter on a busy machine (unspaced: ~0 ms).
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(300);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(300);
    // Another chat is not held up by this one.
    expect(callsTo(h.api, other.tg_user_id)[0]!.at - started).toBeLessThan(700);
  });
});

describe('per-token pace', () => {
  it('spaces sends of one bot evenly at SENDER_RATE_PER_SECOND', async () => {
    await h.restart({ SENDER_MAX_ATTEMPTS: '3', SENDER_BACKOFF_MS: '50', SENDER_RATE_PER_SECOND: '20' });
    const refs: OutboxRef[] = [];
    for (let i = 0; i < 10; i++) {
      const m = await createMaster(h.db);
      refs.push(
        await insertRow(h.db, {
          bot: 'master',
          event: 'limit_changed',
          master_id: m.id,
          payload: { limit: i },
        }),
      );
    }
    await h.enqueue(refs);
    for (const r of refs) await waitForStatus(h.db, r.id, 'sent');
    const at = h.api
      .callsOf('sendMessage')
      .filter((c) => statusOf(c) === 200)
      .map((c) => c.at)
      .sort((x, y) => x - y);
    expect(at).toHaveLength(10);
    // Unpaced, ten sends leave within a few ms; paced they take ~450 ms. The exact schedule is
    // checked in send-gate.test.ts; here only a margin for a busy machine's event-loop jitter.
    expect(at[9]! - at[0]!).toBeGreaterThanOrEqual(350);
  });
});
