import { Queues } from '@fs/queue';
import { createMaster, createStaff } from '@fs/testkit';
import IORedis from 'ioredis';
import { sql } from 'kysely';
import {
  ADMIN_TOKEN,
  callsTo,
  type Harness,
  insertRow,
  MASTER_TOKEN,
  newOfferRow,
  outboxRow,
  sleep,
  snapshot,
  startHarness,
  waitFor,
  waitForStatus,
} from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.api.reset());

describe('new_offer push', () => {
  it('sends the push with buttons and remembers where it went', async () => {
    const { ref, offer, masterId } = await newOfferRow(h.db, { description: 'Искрит <script>&' });
    await h.enqueue([ref]);
    const row = await waitForStatus(h.db, ref.id, 'sent');

    const master = await h.db
      .selectFrom('masters')
      .select('tg_user_id')
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow();
    const calls = callsTo(h.api, master.tg_user_id, 'sendMessage');
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.token).toBe(MASTER_TOKEN);
    expect(call.params.parse_mode).toBe('HTML');
    expect(call.params.text).toMatch(
      new RegExp(
        [
          `^<b>🆕 Новый заказ #${row.order_id}</b>`,
          '',
          '📍 Москва, ЦАО',
          '⏰ как можно скорее',
          '🛠 ⚡ Электрика',
          '📝 Искрит &lt;script&gt;&amp;',
          '⏳ Ответьте в течение (2 мин|1 мин 5\\d сек)',
          '',
          'Примите заказ кнопкой ниже или откройте бот\\.$',
        ].join('\n'),
      ),
    );
    expect(call.params.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '✅ Принять', callback_data: `m:oa:${offer.id}` },
          { text: '✖️ Отказаться', callback_data: `m:od:${offer.id}` },
        ],
      ],
    });
    expect(row).toMatchObject({ attempts: 1, last_error: null, tg_message_id: expect.any(Number) });
    expect(row.sent_at).toBeInstanceOf(Date);
    const saved = await h.db
      .selectFrom('offers')
      .select([
        'tg_chat_id',
        'tg_message_id',
        'delivered_at',
        'expires_at',
        sql<number>`extract(epoch FROM expires_at - delivered_at)::float8`.as('window_s'),
      ])
      .where('id', '=', offer.id)
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ tg_chat_id: master.tg_user_id, tg_message_id: row.tg_message_id });
    // The offer clock starts at delivery: a full SLA (120 s here) from the moment Telegram accepted it.
    expect(saved.delivered_at).toBeInstanceOf(Date);
    expect(saved.window_s).toBe(120);
    expect(saved.expires_at.getTime()).toBeGreaterThan(offer.expiresAt.getTime());
    const expiry = await h.sender.base.queues.distribution.getJob(`expiry-offer-${offer.id}`);
    expect(await expiry?.isDelayed()).toBe(true);
    expect(expiry!.data).toEqual({ orderId: row.order_id, reason: 'offer_expiry' });

    const metrics = await h.sender.base.registry.metrics();
    expect(metrics).toMatch(
      /notifications_delivery_total\{bot="master",event="new_offer",result="sent"[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /notifications_end_to_end_seconds_count\{[^}]*bot="master",event="new_offer"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/notifications_outbox_pending\{[^}]*\} \d+/);
    expect(metrics).toMatch(/notifications_queue_jobs\{queue="notify-master",state="waiting"[^}]*\} 0/);
  });

  it('is idempotent: the same outbox id enqueued twice, and again after it was sent, sends once', async () => {
    const { ref, masterId } = await newOfferRow(h.db);
    await Promise.all([h.enqueue([ref]), h.enqueue([ref])]);
    await waitForStatus(h.db, ref.id, 'sent');
    // A completed job blocks its id; remove it and enqueue again as a relay would.
    await h.sender.base.queues.notifyMaster.remove(`outbox-${ref.id}`);
    await h.enqueue([ref]);
    await waitFor(
      'second job done',
      async () => (await h.sender.base.queues.notifyMaster.getJobState(`outbox-${ref.id}`)) === 'completed',
    );
    const master = await h.db
      .selectFrom('masters')
      .select('tg_user_id')
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow();
    expect(callsTo(h.api, master.tg_user_id, 'sendMessage')).toHaveLength(1);
  });

  it('skips the push of an offer that already expired', async () => {
    const { ref, masterId } = await newOfferRow(h.db, { expiresInS: -1 });
    await h.enqueue([ref]);
    const row = await waitForStatus(h.db, ref.id, 'skipped');
    expect(row.last_error).toMatch(/no longer open/);
    const master = await h.db
      .selectFrom('masters')
      .select('tg_user_id')
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow();
    expect(callsTo(h.api, master.tg_user_id)).toHaveLength(0);
  });

  it('skips a master already known to be unreachable', async () => {
    const m = await createMaster(h.db, { isUnreachable: true });
    const { ref } = await newOfferRow(h.db, { masterId: m.id });
    await h.enqueue([ref]);
    expect((await waitForStatus(h.db, ref.id, 'skipped')).last_error).toMatch(/unreachable/);
    expect(callsTo(h.api, m.tg_user_id)).toHaveLength(0);
  });
});

describe('offer_closed', () => {
  it('edits the push: same message, order lines plus why, no buttons', async () => {
    const { ref, offer, orderId, masterId } = await newOfferRow(h.db);
    await h.enqueue([ref]);
    const push = await waitForStatus(h.db, ref.id, 'sent');
    const closed = await insertRow(h.db, {
      bot: 'master',
      event: 'offer_closed',
      master_id: masterId,
      order_id: orderId,
      offer_id: offer.id,
      payload: { offer_id: offer.id, order_id: orderId, reason: 'taken' },
    });
    await h.enqueue([closed]);
    const row = await waitForStatus(h.db, closed.id, 'sent');
    const master = await h.db
      .selectFrom('masters')
      .select('tg_user_id')
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow();
    const edits = callsTo(h.api, master.tg_user_id, 'editMessageText');
    expect(edits).toHaveLength(1);
    expect(edits[0]!.params).toEqual({
      chat_id: master.tg_user_id,
      message_id: push.tg_message_id,
      text: [
        `<b>Заказ #${orderId}</b>`,
        '',
        '📍 Москва, ЦАО',
        '⏰ как можно скорее',
        '🛠 ⚡ Электрика',
        '📝 Не работает розетка',
        '',
        '🔒 Заказ взят другим мастером',
      ].join('\n'),
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
    expect(row.tg_message_id).toBe(push.tg_message_id);
  });

  it('waits for a push that is still pending, then edits it', async () => {
    const { ref, offer, orderId, masterId } = await newOfferRow(h.db);
    const closed = await insertRow(h.db, {
      bot: 'master',
      event: 'offer_closed',
      master_id: masterId,
      order_id: orderId,
      offer_id: offer.id,
      payload: { offer_id: offer.id, order_id: orderId, reason: 'canceled' },
    });
    await h.enqueue([closed]);
    await sleep(300);
    expect((await outboxRow(h.db, closed.id)).status).toBe('pending');
    await h.enqueue([ref]);
    await waitForStatus(h.db, closed.id, 'sent');
    const master = await h.db
      .selectFrom('masters')
      .select('tg_user_id')
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow();
    expect(callsTo(h.api, master.tg_user_id).map((c) => c.method)).toEqual([
      'sendMessage',
      'editMessageText',
    ]);
  });

  it('is skipped when the push was never sent', async () => {
    const { ref, offer, orderId, masterId } = await newOfferRow(h.db, { expiresInS: -1 });
    await h.enqueue([ref]);
    await waitForStatus(h.db, ref.id, 'skipped');
    const closed = await insertRow(h.db, {
      bot: 'master',
      event: 'offer_closed',
      master_id: masterId,
      order_id: orderId,
      offer_id: offer.id,
      payload: { offer_id: offer.id, order_id: orderId, reason: 'expired' },
    });
    await h.enqueue([closed]);
    expect((await waitForStatus(h.db, closed.id, 'skipped')).last_error).toMatch(/never sent/);
  });
});

describe('staff and channel messages', () => {
  it('go through the admin bot token', async () => {
    const staff = await createStaff(h.db, { role: 'logist' });
    const order = snapshot(1);
    const toStaff = await insertRow(h.db, {
      bot: 'admin',
      event: 'escalation_logist',
      staff_user_id: staff.id,
      payload: { ...order, reason: 'no_candidates', rounds_used: 0 },
    });
    const toChannel = await insertRow(h.db, {
      bot: 'admin',
      event: 'staff_message',
      chat_id: -100777,
      payload: { from: 'Система', text: 'проверка <связи>' },
    });
    await h.enqueue([toStaff, toChannel]);
    await waitForStatus(h.db, toStaff.id, 'sent');
    await waitForStatus(h.db, toChannel.id, 'sent');
    const dm = callsTo(h.api, staff.tg_user_id!, 'sendMessage');
    expect(dm).toHaveLength(1);
    expect(dm[0]!.token).toBe(ADMIN_TOKEN);
    expect(dm[0]!.params.text).toMatch(/^<b>⚠️ Эскалация заявки #1<\/b>/);
    expect(dm[0]!.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: '📂 Открыть заказ', callback_data: 'a:o:1' }]],
    });
    const channel = callsTo(h.api, -100777, 'sendMessage');
    expect(channel.map((c) => [c.token, c.params.text])).toEqual([
      [ADMIN_TOKEN, '<b>✉️ Сообщение от Система</b>\n\nпроверка &lt;связи&gt;'],
    ]);
  });
});

describe('durability', () => {
  it('the relay delivers rows that were never enqueued', async () => {
    const { ref } = await newOfferRow(h.db);
    // No enqueue at all: the relay (every 200 ms here, rows older than 2 s) picks it up.
    const row = await waitForStatus(h.db, ref.id, 'sent', 8000);
    expect(row.enqueued_at).toBeInstanceOf(Date);
  });

  it('the relay delivers rows whose enqueue failed because Redis was unreachable', async () => {
    const { ref } = await newOfferRow(h.db);
    const dead = new IORedis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const deadQueues = new Queues({ connection: dead, prefix: h.config.REDIS_PREFIX });
    for (const q of [deadQueues.distribution, deadQueues.notifyMaster, deadQueues.notifyStaff])
      q.on('error', () => {});
    await expect(deadQueues.enqueueOutbox([ref])).rejects.toThrow();
    await deadQueues.close().catch(() => {});
    dead.disconnect();
    expect((await outboxRow(h.db, ref.id)).enqueued_at).toBeNull();
    await waitForStatus(h.db, ref.id, 'sent', 8000);
  });

  it('a row locked by someone else is not sent until the lock is released, then sent once', async () => {
    const { ref, masterId } = await newOfferRow(h.db);
    const master = await h.db
      .selectFrom('masters')
      .select('tg_user_id')
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow();
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const holder = h.db.transaction().execute(async (trx) => {
      await trx
        .selectFrom('notifications_outbox')
        .select('id')
        .where('id', '=', ref.id)
        .forUpdate()
        .execute();
      await released;
    });
    await sleep(50);
    await h.enqueue([ref]);
    await sleep(500);
    expect(callsTo(h.api, master.tg_user_id)).toHaveLength(0);
    release();
    await holder;
    await waitForStatus(h.db, ref.id, 'sent');
    expect(callsTo(h.api, master.tg_user_id)).toHaveLength(1);
  });

  it('a malformed job fails with its reason and sends nothing', async () => {
    await h.sender.base.queues.notifyMaster.add('send', { outboxId: 'x' }, { jobId: 'malformed-1' });
    const q = h.sender.base.queues.notifyMaster;
    await waitFor('malformed job failed', async () => (await q.getJobState('malformed-1')) === 'failed');
    const job = (await q.getJob('malformed-1'))!;
    expect(job.failedReason).toMatch(/malformed notify job data/);
    expect(job.attemptsMade).toBe(1);
    expect(h.api.calls).toHaveLength(0);
  });
});

describe('shutdown', () => {
  it('stop() lets the in-flight send finish and record it', async () => {
    const { ref, masterId } = await newOfferRow(h.db);
    const master = await h.db
      .selectFrom('masters')
      .select('tg_user_id')
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow();
    h.api.setLatency(400);
    await h.enqueue([ref]);
    await waitFor('the send in flight', () => callsTo(h.api, master.tg_user_id)[0]);
    await h.sender.stop();
    const row = await outboxRow(h.db, ref.id);
    expect(row.status).toBe('sent');
    expect(row.tg_message_id).toEqual(expect.any(Number));
  });
});
