import type { ClientOrderAcceptedPayload } from '@fs/domain';
import type { OutboxRef } from '@fs/queue';
import { createOrder, createStaff, FakeSmsc } from '@fs/testkit';
import { sql } from 'kysely';
import {
  callsTo,
  type Harness,
  insertRow,
  outboxRow,
  rowsOf,
  sleep,
  startHarness,
  statusOf,
  waitFor,
} from './harness';

/**
 * The client's channels (issue 17): the client bot (own token) and SMS through the provider
 * adapter, against the fake Bot API and the fake SMSC: delivery, the provider's errors (invalid
 * number → unreachable and one staff alert, 5xx → backoff, 429 → wait without an attempt),
 * a 403 from a client chat, and notices the client switched off after they were written.
 */

const CLIENT_TOKEN = '333333:client-token-abcdef';
let h: Harness;
let smsc: FakeSmsc;
let phoneSeq = 9_261_000_000;

beforeAll(async () => {
  smsc = new FakeSmsc({ login: 'fs', password: 'fake-password' });
  await smsc.start();
  h = await startHarness({
    CLIENT_BOT_TOKEN: CLIENT_TOKEN,
    CLIENT_BOT_USERNAME: 'fs_client_bot',
    SMS_PROVIDER: 'smsc',
    SMSC_API_ROOT: smsc.apiRoot,
    SMSC_LOGIN: 'fs',
    SMSC_PASSWORD: 'fake-password',
    SMS_RATE_PER_SECOND: '50',
    SENDER_MAX_ATTEMPTS: '3',
    SENDER_BACKOFF_MS: '50',
  });
  await createStaff(h.db, { role: 'global_admin', fullName: 'Главный Админ' });
});
afterAll(async () => {
  await h.close();
  await smsc.stop();
});
beforeEach(() => {
  h.api.reset();
  smsc.reset();
});

async function acceptedNotice(
  to: { phone: string } | { chatId: number },
  o: { enqueue?: boolean } = {},
): Promise<OutboxRef & { orderId: number }> {
  const order = await createOrder(h.db, { isAsap: true });
  const payload: ClientOrderAcceptedPayload = {
    order_id: order.id,
    link_token: `tok${order.id}_abcdefghijklmnopqrstuv`,
    timezone: 'Europe/Moscow',
    support_phone: null,
    master_first_name: 'Иван',
    master_phone_masked: '+7*** *** ** 67',
    category: 'electrics',
    timeslot_start: null,
    timeslot_end: null,
    is_asap: true,
    replaced: false,
  };
  const ref = await insertRow(h.db, {
    bot: 'client',
    event: 'client_order_accepted',
    order_id: order.id,
    payload,
    dedup_key: `client-test:${order.id}`,
    ...('phone' in to ? { channel: 'sms', phone: to.phone } : { channel: 'telegram', chat_id: to.chatId }),
  });
  if (o.enqueue !== false) await h.enqueue([ref]);
  return { ...ref, orderId: order.id };
}

const newPhone = () => `+7${++phoneSeq}`;
const finalRow = (id: number) =>
  waitFor('a final status', async () => {
    const r = await outboxRow(h.db, id);
    return r.status === 'pending' || r.status === 'sending' ? null : r;
  });

describe('SMS', () => {
  it('sends the notice through the provider with the client bot link', async () => {
    const phone = newPhone();
    const n = await acceptedNotice({ phone });
    const row = await finalRow(n.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(smsc.inbox(phone).map((m) => m.text)).toEqual([
      `Заказ №${n.orderId}: мастер Иван, приедет как можно скорее, позвонит с +7*** *** ** 67. ` +
        `Статус: t.me/fs_client_bot?start=tok${n.orderId}_abcdefghijklmnopqrstuv Отписаться: STOP`,
    ]);
  });

  it('an invalid number: failed at once, the phone flagged, staff told once; later SMS to it skipped', async () => {
    const phone = newPhone();
    smsc.invalidNumbers.add(phone);
    const n = await acceptedNotice({ phone });
    expect(await finalRow(n.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(smsc.requests).toHaveLength(1);
    const flagged = await h.db
      .selectFrom('client_phones')
      .select('sms_unreachable_at')
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();
    expect(flagged.sms_unreachable_at).not.toBeNull();
    const alerts = (await rowsOf(h.db, 'recipient_unreachable')).filter(
      (r) => (r.payload as { recipient_id: number }).recipient_id === n.orderId,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.payload).toMatchObject({ recipient_kind: 'client' });
    expect((alerts[0]!.payload as { recipient_name: string }).recipient_name).toContain('SMS на +7***');

    const again = await acceptedNotice({ phone });
    expect(await finalRow(again.id)).toMatchObject({ status: 'skipped' });
    expect(smsc.requests).toHaveLength(1);
  });

  it('a 5xx is retried with backoff and then delivered', async () => {
    const phone = newPhone();
    smsc.failNext({ failure: { http: 503 }, phone });
    const n = await acceptedNotice({ phone });
    expect(await finalRow(n.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smsc.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(smsc.inbox(phone)).toHaveLength(1);
  });

  it('a 429 waits Retry-After without counting an attempt', async () => {
    const phone = newPhone();
    smsc.failNext({ failure: { http: 429, retryAfterS: 1 }, phone });
    const started = Date.now();
    const n = await acceptedNotice({ phone });
    expect(await finalRow(n.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(smsc.inbox(phone)).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('an SMS held by quiet hours (not_before) goes out when due, not before', async () => {
    const phone = newPhone();
    const order = await createOrder(h.db, { isAsap: false });
    const ref = await insertRow(h.db, {
      bot: 'client',
      event: 'client_order_canceled',
      order_id: order.id,
      channel: 'sms',
      phone,
      not_before: new Date(Date.now() + 2000),
      payload: {
        order_id: order.id,
        link_token: 'tok_abcdefghijklmnopq',
        timezone: 'Europe/Moscow',
        support_phone: null,
      },
      dedup_key: `client-test-held:${order.id}`,
    });
    await h.enqueue([ref]);
    await sleep(1000);
    expect(smsc.inbox(phone)).toHaveLength(0);
    expect(await finalRow(ref.id)).toMatchObject({ status: 'sent' });
    expect(smsc.inbox(phone).map((m) => m.text)).toEqual([`Заказ №${order.id} отменён.`]);
  });

  it('a number that sent STOP after the notice was written gets nothing', async () => {
    const phone = newPhone();
    await h.db.insertInto('client_phones').values({ phone, opted_out_at: new Date() }).execute();
    const n = await acceptedNotice({ phone });
    expect(await finalRow(n.id)).toMatchObject({ status: 'skipped' });
    expect(smsc.requests).toHaveLength(0);
  });
});

describe('client bot', () => {
  it('sends through the client bot’s own token', async () => {
    const chatId = 880_001;
    await h.db.insertInto('client_chats').values({ chat_id: chatId, tg_user_id: chatId }).execute();
    const n = await acceptedNotice({ chatId });
    expect(await finalRow(n.id)).toMatchObject({ status: 'sent' });
    const [call] = callsTo(h.api, chatId, 'sendMessage');
    expect(call?.token).toBe(CLIENT_TOKEN);
    expect(String(call?.params.text)).toContain(`Мастер назначен — заказ №${n.orderId}`);
  });

  it('a chat that blocked the bot is flagged (later notices go by SMS) and staff told', async () => {
    const chatId = 880_002;
    await h.db.insertInto('client_chats').values({ chat_id: chatId, tg_user_id: chatId }).execute();
    h.api.failNext({ chatId, error: { kind: 'blocked' } });
    const n = await acceptedNotice({ chatId });
    expect(await finalRow(n.id)).toMatchObject({ status: 'failed' });
    expect(callsTo(h.api, chatId).map(statusOf)).toEqual([403]);
    const chat = await h.db
      .selectFrom('client_chats')
      .select('unreachable_at')
      .where('chat_id', '=', chatId)
      .executeTakeFirstOrThrow();
    expect(chat.unreachable_at).not.toBeNull();
    const alerts = (await rowsOf(h.db, 'recipient_unreachable')).filter(
      (r) => (r.payload as { recipient_id: number }).recipient_id === n.orderId,
    );
    expect(alerts.map((a) => (a.payload as { recipient_kind: string }).recipient_kind)).toEqual(['client']);
  });

  it('a chat that switched notices off after the notice was written gets nothing', async () => {
    const chatId = 880_003;
    await h.db
      .insertInto('client_chats')
      .values({ chat_id: chatId, tg_user_id: chatId, opted_out_at: new Date() })
      .execute();
    const n = await acceptedNotice({ chatId });
    expect(await finalRow(n.id)).toMatchObject({ status: 'skipped' });
    expect(callsTo(h.api, chatId)).toHaveLength(0);
  });
});

describe('the lease fence, on every channel', () => {
  const leasesLost = async (bot: string) => {
    const text = await h.sender.base.registry.metrics();
    const m = new RegExp(`^notifications_outbox_leases_lost_total\\{bot="${bot}"[^}]*\\} (\\d+)$`, 'm').exec(
      text,
    );
    return m ? Number(m[1]) : 0;
  };

  /** Runs `fn` while another connection holds `table` in ACCESS EXCLUSIVE mode (reads wait). */
  async function whileLocked<T>(table: string, fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holder = h.db.transaction().execute(async (trx) => {
      await sql`LOCK TABLE ${sql.table(table)} IN ACCESS EXCLUSIVE MODE`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    try {
      return await fn();
    } finally {
      release();
      await holder;
    }
  }

  it.each([
    { channel: 'SMS', bot: 'sms', table: 'client_phones' },
    { channel: 'the client bot', bot: 'client', table: 'client_chats' },
  ])(
    '$channel: a row another sender took over while this one waited is not sent by this one, and its outcome stays the other’s',
    async ({ bot, table }) => {
      const phone = newPhone();
      const chatId = 880_100 + bot.length;
      if (bot === 'client')
        await h.db.insertInto('client_chats').values({ chat_id: chatId, tg_user_id: chatId }).execute();
      const n = await acceptedNotice(bot === 'sms' ? { phone } : { chatId }, { enqueue: false });
      const lostBefore = await leasesLost(bot);
      // The transport's last read before the send (the client's notice settings) waits on the
      // lock: from the row's point of view, a stalled sender.
      const claimSeq = await whileLocked(table, async () => {
        await h.enqueue([n]);
        await waitFor('the sender waiting on the lock', async () => {
          const { rows } = await sql<{ n: string }>`
            SELECT count(*) AS n FROM pg_locks WHERE relation = ${table}::regclass AND NOT granted`.execute(
            h.db,
          );
          return Number(rows[0]!.n) > 0;
        });
        const claimed = await outboxRow(h.db, n.id);
        expect(claimed.status).toBe('sending');
        // Another sender takes the row over, as its sweep does once this one's lease has run out.
        await sql`UPDATE notifications_outbox SET lease_owner = 'other-sender', claim_seq = claim_seq + 1,
          lease_until = now() + interval '1 minute' WHERE id = ${n.id}`.execute(h.db);
        await waitFor('a renewal finding the claim gone', async () => (await leasesLost(bot)) > lostBefore);
        return claimed.claim_seq + 1;
      });
      const queue = bot === 'sms' ? h.sender.base.queues.notifySms : h.sender.base.queues.notifyClient;
      await waitFor('the job done', async () => (await queue.getJobState(`outbox-${n.id}`)) === 'completed');
      expect(smsc.requests).toHaveLength(0);
      expect(callsTo(h.api, chatId)).toHaveLength(0);
      expect(await outboxRow(h.db, n.id)).toMatchObject({
        status: 'sending',
        lease_owner: 'other-sender',
        claim_seq: claimSeq,
      });
      await sql`UPDATE notifications_outbox SET status = 'sent', lease_owner = NULL, lease_until = NULL
        WHERE id = ${n.id}`.execute(h.db);
    },
  );
});

describe('without a provider or a client bot', () => {
  it('SMS and client bot rows are skipped with the reason, not left pending', async () => {
    await h.restart({});
    try {
      const sms = await acceptedNotice({ phone: newPhone() });
      const chatId = 880_004;
      await h.db.insertInto('client_chats').values({ chat_id: chatId, tg_user_id: chatId }).execute();
      const tg = await acceptedNotice({ chatId });
      expect(await finalRow(sms.id)).toMatchObject({
        status: 'skipped',
        last_error: 'SMS is off (SMS_PROVIDER=none)',
      });
      expect(await finalRow(tg.id)).toMatchObject({
        status: 'skipped',
        last_error: 'the client bot is not configured (CLIENT_BOT_TOKEN)',
      });
      expect(smsc.requests).toHaveLength(0);
    } finally {
      await h.restart();
    }
  });
});
