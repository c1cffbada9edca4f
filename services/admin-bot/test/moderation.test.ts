import { createMaster, type MasterFixture } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { texts } from '../src/texts';
import { type AdminHarness, adminDriver, startAdminHarness, userOf } from './harness';

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;
const T = texts.masters;

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
});
afterAll(() => h?.close());

const outbox = (masterId: number, event: string) =>
  h.tdb.db
    .selectFrom('notifications_outbox')
    .selectAll()
    .where('master_id', '=', masterId)
    .where('event', '=', event as never)
    .execute();
const audits = (masterId: number, action: string) =>
  h.tdb.db
    .selectFrom('admin_audit_log')
    .selectAll()
    .where('entity_type', '=', 'master')
    .where('entity_id', '=', masterId)
    .where('action', '=', action)
    .execute();
const masterRow = (id: number) =>
  h.tdb.db.selectFrom('masters').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const pending = (cityId = h.moscow.city.id, fullName = 'Пётр Заявкин') =>
  createMaster(h.tdb.db, { cityId, approved: false, onShift: false, fullName });

describe('moderation queue', () => {
  it('lists pending masters of the city with the profile; documents go out as photos', async () => {
    const admin = await h.staff('city_admin');
    const m = await pending(h.moscow.city.id, 'Пётр <Заявкин>');
    const other = await pending(h.spb.city.id, 'Питерский Мастер');
    // A photo the bot can send back by file id (as a passport uploaded earlier).
    const { message } = await h.fake.userSendsPhoto(h.token, userOf(admin));
    await h.ab.running.idle();
    const fileId = message.photo!.at(-1)!.file_id;
    await h.tdb.db
      .insertInto('attachments')
      .values([
        {
          entity_type: 'master',
          entity_id: m.id,
          file_type: 'photo',
          file_id: fileId,
          document_kind: 'passport',
        },
        {
          entity_type: 'master',
          entity_id: m.id,
          file_type: 'photo',
          file_id: 'gone-file',
          document_kind: 'selfie',
        },
      ])
      .execute();

    const menu = await d.menu(admin);
    const { edited } = await d.tapLast(admin, '🛠 Модерация');
    expect(edited.message_id).toBe(menu.message_id);
    expect(edited.text).toContain('анкет в очереди — 1');
    expect(edited.text).toContain(`#${m.id} Пётр <Заявкин> · Москва · 🕓 На модерации`);
    expect(edited.text).not.toContain(`#${other.id}`);
    expect(d.buttons(admin, menu.message_id)).toEqual([`👁 #${m.id} Пётр <Заявкин>`, '🏠 В меню']);

    const card = (await d.tapLast(admin, `👁 #${m.id} Пётр <Заявкин>`)).edited;
    expect(card.text).toContain(`👤 Пётр <Заявкин> #${m.id}`);
    expect(card.text).toContain('📋 Анкета: 🕓 На модерации');
    expect(card.text).toContain('📄 Документы: 2');
    expect(d.buttons(admin, card.message_id)).toEqual([
      '✅ Одобрить',
      '❌ Отклонить',
      '📄 Документы',
      '🚫 Заблокировать',
      '🔢 Лимит заказов',
      '🗺 Районы',
      '🛠 Навыки',
      '✉️ Сообщение мастеру',
      '🛠 Очередь модерации',
      '🏠 В меню',
    ]);

    const before = h.fake.callsOf('sendPhoto', h.token).length;
    await d.tap(admin, card.message_id, { text: '📄 Документы' });
    const photos = h.fake.callsOf('sendPhoto', h.token).slice(before);
    expect(photos.map((c) => c.params.photo)).toEqual([fileId, 'gone-file']);
    expect(d.lastBotMessage(admin).text).toBe('📄 Отправлено документов: 1. Не удалось открыть: 1.');
  });

  it('approves once: status, verification, audit and one notice even when tapped twice', async () => {
    const admin = await h.staff('city_admin');
    const m = await pending();
    const msg = await d.menu(admin);
    await d.tap(admin, msg.message_id, {
      data: encode('adminMasterOpen', { masterId: m.id }),
      unchecked: true,
    });
    const answer = await d.tap(admin, msg.message_id, { text: '✅ Одобрить' });
    expect(answer.text).toBe(T.approved);
    const row = await masterRow(m.id);
    expect(row).toMatchObject({
      moderation_status: 'approved',
      verified: true,
      verified_by_staff_id: admin.id,
      is_active: true,
    });
    expect(row.verified_at).toBeInstanceOf(Date);
    expect(d.shown(admin, msg.message_id).text).toContain('📋 Анкета: ✅ Одобрен');

    const again = await d.tap(admin, msg.message_id, {
      data: encode('masterApprove', { masterId: m.id }),
      unchecked: true,
    });
    expect(again.text).toBe(T.notPending);
    const notices = await outbox(m.id, 'moderation_approved');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ bot: 'master', payload: {} });
    expect(await audits(m.id, 'master.approve')).toHaveLength(1);
  });

  it('rejects with a reason after refusing bad input; the master gets the reason once', async () => {
    const admin = await h.staff('city_admin');
    const m = await pending();
    const menu = await d.menu(admin);
    await d.tap(admin, menu.message_id, {
      data: encode('adminMasterOpen', { masterId: m.id }),
      unchecked: true,
    });
    const { edited } = await d.tapLast(admin, '❌ Отклонить');
    expect(edited.text).toContain('Отклонение анкеты');
    expect(d.buttons(admin, edited.message_id)).toEqual(['❌ Отмена']);

    expect((await d.send(admin, 'ок')).text).toBe(T.reasonTooShort);
    expect((await d.send(admin, 'x'.repeat(501))).text).toBe(T.reasonTooLong);
    expect((await d.sendPhoto(admin)).text).toBe(T.textExpected);
    expect((await masterRow(m.id)).moderation_status).toBe('pending');

    const reply = await d.send(admin, 'Фото паспорта не читается');
    expect(reply.text).toContain(`#${m.id}`); // the card again
    const sent = d.sentSince(admin, d.sentCount(admin) - 2).map((x) => x.text);
    expect(sent[0]).toBe(T.rejected);
    expect(await masterRow(m.id)).toMatchObject({
      moderation_status: 'rejected',
      moderation_reason: 'Фото паспорта не читается',
      verified: false,
    });
    const notices = await outbox(m.id, 'moderation_rejected');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.payload).toEqual({ reason: 'Фото паспорта не читается' });
    expect(await audits(m.id, 'master.reject')).toHaveLength(1);
    // The wizard is over: more text is not a second rejection.
    expect((await d.send(admin, 'Ещё одна причина')).text).toBe(texts.useButtons);
    expect(await outbox(m.id, 'moderation_rejected')).toHaveLength(1);
  });

  it('a city admin cannot approve or reject a master of another city through forged callbacks', async () => {
    const admin = await h.staff('city_admin');
    const spbMaster = await pending(h.spb.city.id);
    const menu = await d.menu(admin);
    for (const data of [
      encode('masterApprove', { masterId: spbMaster.id }),
      encode('masterReject', { masterId: spbMaster.id }),
      encode('adminMasterOpen', { masterId: spbMaster.id }),
      encode('masterDocs', { masterId: spbMaster.id }),
    ]) {
      const answer = await d.tap(admin, menu.message_id, { data, unchecked: true });
      expect(answer).toMatchObject({ text: texts.notInScope, show_alert: true });
    }
    expect((await masterRow(spbMaster.id)).moderation_status).toBe('pending');
    expect(await outbox(spbMaster.id, 'moderation_approved')).toHaveLength(0);
    // No wizard was opened by the refused reject.
    expect((await d.send(admin, 'Причина для чужого')).text).toBe(texts.useButtons);
  });

  it('a logist sees no moderation and cannot approve or reject, but opens the card without those buttons', async () => {
    const logist = await h.staff('logist');
    const m: MasterFixture = await pending();
    const menu = await d.menu(logist);
    for (const data of [
      encode('moderationMenu', {}),
      encode('moderationList', { page: 0 }),
      encode('masterApprove', { masterId: m.id }),
      encode('masterReject', { masterId: m.id }),
    ]) {
      const answer = await d.tap(logist, menu.message_id, { data, unchecked: true });
      expect(answer).toMatchObject({ text: texts.noRight });
    }
    await d.tap(logist, menu.message_id, {
      data: encode('adminMasterOpen', { masterId: m.id }),
      unchecked: true,
    });
    expect(d.buttons(logist, menu.message_id)).not.toContain('✅ Одобрить');
    expect(d.buttons(logist, menu.message_id)).toContain('🚫 Заблокировать');
    expect((await masterRow(m.id)).moderation_status).toBe('pending');
  });

  it('an idle reject wizard expires politely and rejects nothing', async () => {
    const admin = await h.staff('city_admin');
    const m = await pending();
    const menu = await d.menu(admin);
    await d.tap(admin, menu.message_id, {
      data: encode('masterReject', { masterId: m.id }),
      unchecked: true,
    });
    const id = Number(admin.tg_user_id);
    const key = `${h.redis.prefix}:session:admin:${id}:${id}`;
    const session = JSON.parse((await h.redis.connection.get(key))!);
    expect(session.wizard).toMatchObject({
      kind: 'masterReason',
      data: { action: 'reject', masterId: m.id },
    });
    session.wizard.at -= 20 * 60_000;
    await h.redis.connection.set(key, JSON.stringify(session));
    expect((await d.send(admin, 'Поздняя причина')).text).toBe(texts.sessionExpired);
    expect((await masterRow(m.id)).moderation_status).toBe('pending');
    expect((await d.send(admin, 'Поздняя причина')).text).toBe(texts.useButtons);
  });
});
