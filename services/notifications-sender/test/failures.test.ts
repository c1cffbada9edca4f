import type { OutboxRef } from '@fs/queue';
import {
  createMaster,
  createStaff,
  type Harness,
  insertRow,
  newOfferRow,
  outboxRow,
  rowsOf,
  sleep,
  startHarness,
  waitFor,
  waitForStatus,
} from './harness';

/** Every alert in this file goes to this one global admin (no city staff, no alerts channel). */
let admin: { id: number; tgUserId: number };
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SENDER_MAX_ATTEMPTS: '3', SENDER_BACKOFF_MS: '50' });
  admin = await createStaff(h.db, { role: 'global_admin', name: 'Главный Админ' });
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
    h.api.fail(
      { chatId: a.tgUserId },
      { status: 429, description: 'Too Many Requests: retry after 2', retryAfter: 2 },
    );
    await h.enqueue([first.ref]);
    const limited = await waitFor('the 429', () => h.api.callsTo(a.tgUserId)[0]);
    // Once the sender has paused the queue (the job is back in wait), a message to someone else
    // waits too: the pause is per token.
    await waitFor('the pause', async () => (await (await jobOf(first.ref.id))?.getState()) === 'waiting');
    await h.enqueue([second.ref]);

    const row = await waitForStatus(h.db, first.ref.id, 'sent', 10_000);
    await waitForStatus(h.db, second.ref.id, 'sent', 10_000);
    const calls = h.api.callsTo(a.tgUserId, 'sendMessage');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - limited.at).toBeGreaterThanOrEqual(2000);
    expect(h.api.callsTo(b.tgUserId)[0]!.at - limited.at).toBeGreaterThanOrEqual(2000);
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
    h.api.fail(
      { chatId: a.tgUserId },
      { status: 429, description: 'Too Many Requests: retry after 3600', retryAfter: 3600 },
    );
    await h.enqueue([first.ref]);
    await waitFor('the 429', () => h.api.callsTo(a.tgUserId)[0]);
    await h.enqueue([second.ref]);
    await waitForStatus(h.db, second.ref.id, 'sent', 1000);
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
    const m = await createMaster(h.db, { name: 'Пётр Блокер' });
    const { ref } = await newOfferRow(h.db, { masterId: m.id });
    h.api.fail(
      { chatId: m.tgUserId },
      { status: 403, description: 'Forbidden: bot was blocked by the user' },
      100,
    );
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
    const dm = h.api.callsTo(admin.tgUserId, 'sendMessage');
    expect(dm.map((c) => c.body.text)).toEqual([
      [
        '<b>📵 Получатель недоступен</b>',
        '',
        `Мастер Пётр Блокер (#${m.id}) заблокировал бота или удалил аккаунт.`,
        'Сообщения ему не доставляются, новые заказы ему не предлагаются, пока он снова не откроет бот.',
        'Ошибка: 403: Forbidden: bot was blocked by the user',
      ].join('\n'),
    ]);

    await sleep(300);
    expect(h.api.callsTo(m.tgUserId, 'sendMessage')).toHaveLength(1);
    const job = (await jobOf(ref.id))!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
  });

  it('a burst of 403s for one master produces one alert', async () => {
    const m = await createMaster(h.db);
    h.api.fail({ chatId: m.tgUserId }, { status: 403, description: 'Forbidden: user is deactivated' }, 100);
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
      return rows.every((r) => r.status !== 'pending');
    });
    const statuses = await Promise.all(refs.map(async (r) => (await outboxRow(h.db, r.id)).status));
    expect(statuses.every((s) => s === 'failed' || s === 'skipped')).toBe(true);
    const alerts = (await rowsOf(h.db, 'recipient_unreachable')).filter(
      (r) => (r.payload as { recipient_id: number }).recipient_id === m.id,
    );
    expect(alerts).toHaveLength(1);
    await waitForStatus(h.db, alerts[0]!.id, 'sent');
    const sends = h.api.callsTo(m.tgUserId, 'sendMessage').length;
    expect(sends).toBeGreaterThanOrEqual(1);
    expect(sends).toBeLessThanOrEqual(refs.length);
  });
});

describe('5xx and network errors', () => {
  it('retries with growing backoff, then fails and alerts staff', async () => {
    const m = await createMaster(h.db, { name: 'Сергей' });
    const { ref, orderId } = await newOfferRow(h.db, { masterId: m.id });
    h.api.fail({ chatId: m.tgUserId }, { status: 502, description: 'Bad Gateway' }, 100);
    await h.enqueue([ref]);

    const row = await waitForStatus(h.db, ref.id, 'failed');
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBe('gave up after 3 attempts: 502: Bad Gateway');
    const calls = h.api.callsTo(m.tgUserId, 'sendMessage');
    expect(calls).toHaveLength(3);
    // Backoff base 50 ms with jitter in [d/2, d]: ≥25 ms, then ≥50 ms.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(25);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(50);

    const alerts = (await rowsOf(h.db, 'delivery_failed')).filter(
      (r) => (r.payload as { outbox_id: number }).outbox_id === ref.id,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ staff_user_id: admin.id, order_id: orderId });
    await waitForStatus(h.db, alerts[0]!.id, 'sent');
    expect(h.api.callsTo(admin.tgUserId, 'sendMessage').map((c) => c.body.text)).toEqual([
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
    expect(h.api.callsTo(m.tgUserId)).toHaveLength(3);
  });

  it('a transient error followed by success delivers once and records the attempts', async () => {
    const m = await createMaster(h.db);
    const { ref } = await newOfferRow(h.db, { masterId: m.id });
    h.api.fail({ chatId: m.tgUserId }, { status: 500, description: 'Internal Server Error' }, 2);
    await h.enqueue([ref]);
    const row = await waitForStatus(h.db, ref.id, 'sent');
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBeNull();
    expect(h.api.callsTo(m.tgUserId).map((c) => c.status)).toEqual([500, 500, 200]);
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
    h.api.fail({ chatId: m.tgUserId }, { status: 400, description: "Bad Request: can't parse entities" });
    await h.enqueue([ref]);
    const row = await waitForStatus(h.db, ref.id, 'failed');
    expect(row.last_error).toBe("400: Bad Request: can't parse entities");
    expect(row.attempts).toBe(1);
    const alerts = (await rowsOf(h.db, 'delivery_failed')).filter(
      (r) => (r.payload as { outbox_id: number }).outbox_id === ref.id,
    );
    expect(alerts).toHaveLength(1);
    expect(h.api.callsTo(m.tgUserId)).toHaveLength(1);
  });

  it('an edit of a deleted message or with the same text counts as done', async () => {
    const { ref, offer, orderId, masterId } = await newOfferRow(h.db);
    await h.enqueue([ref]);
    await waitForStatus(h.db, ref.id, 'sent');
    const m = await h.db
      .selectFrom('masters')
      .select('tg_user_id')
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow();
    const closed = (reason: 'expired' | 'taken') =>
      insertRow(h.db, {
        bot: 'master',
        event: 'offer_closed',
        master_id: masterId,
        order_id: orderId,
        offer_id: offer.id,
        payload: { offer_id: offer.id, order_id: orderId, reason },
      });
    h.api.fail(
      { chatId: m.tg_user_id, method: 'editMessageText' },
      { status: 400, description: 'Bad Request: message to edit not found' },
    );
    const gone = await closed('expired');
    await h.enqueue([gone]);
    expect((await waitForStatus(h.db, gone.id, 'skipped')).last_error).toBe('message to edit is gone');

    h.api.fail(
      { chatId: m.tg_user_id, method: 'editMessageText' },
      { status: 400, description: 'Bad Request: message is not modified' },
    );
    const same = await closed('taken');
    await h.enqueue([same]);
    await waitForStatus(h.db, same.id, 'sent');
    expect(
      await rowsOf(h.db, 'delivery_failed').then((r) => r.filter((x) => x.order_id === orderId)),
    ).toHaveLength(0);
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
    const at = h.api
      .callsTo(m.tgUserId, 'sendMessage')
      .map((c) => c.at)
      .sort((x, y) => x - y);
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(390);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(390);
    // Another chat is not held up by this one.
    expect(h.api.callsTo(other.tgUserId)[0]!.at - started).toBeLessThan(300);
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
      .delivered()
      .map((c) => c.at)
      .sort((x, y) => x - y);
    expect(at).toHaveLength(10);
    // 50 ms apart (±timer granularity), never a burst.
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(45);
  });
});
