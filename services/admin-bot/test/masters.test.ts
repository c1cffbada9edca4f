import { messageMaster } from '@fs/dispatch';
import { renderNotification } from '@fs/domain';
import { createCity, createMaster, createOrder } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { texts } from '../src/texts';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';

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
    .orderBy('id')
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

/** Opens a master's card on the staff member's menu message; returns that message id. */
async function openCard(staff: { tg_user_id: number | null }, masterId: number): Promise<number> {
  const menu = await d.menu(staff as never);
  await d.tap(staff as never, menu.message_id, {
    data: encode('adminMasterOpen', { masterId }),
    unchecked: true,
  });
  return menu.message_id;
}

describe('masters list', () => {
  it('lists the city masters with filters (status, skill, shift, blocked) and pages', async () => {
    const { city } = await createCity(h.tdb.db, { name: 'Фильтроград' });
    const admin = await h.staff('city_admin', [city.id]);
    const a = await createMaster(h.tdb.db, {
      cityId: city.id,
      fullName: 'Анна Электрик',
      skills: ['electrics'],
    });
    const b = await createMaster(h.tdb.db, {
      cityId: city.id,
      fullName: 'Борис Новичок',
      approved: false,
      onShift: false,
      skills: ['plumbing'],
    });
    const c = await createMaster(h.tdb.db, {
      cityId: city.id,
      fullName: 'Вера Блок',
      isBlocked: true,
      onShift: false,
      skills: ['windows'],
    });
    const foreign = await createMaster(h.tdb.db, { cityId: h.spb.city.id, fullName: 'Чужой Мастер' });

    const menu = await d.menu(admin);
    const list = (await d.tapLast(admin, '👷 Мастера')).edited;
    expect(list.text).toContain('👷 Мастера (3)');
    expect(list.text).toContain('Город: Все · Статус: Все · Навык: Все · Смена: Все · Блокировка: Все');
    expect(list.text).toContain(
      `#${a.id} Анна Электрик · Фильтроград · ✅ Одобрен · 🟢 На смене · ⭐ 4.5 · 📦 0`,
    );
    expect(list.text).toContain(
      `#${c.id} Вера Блок · Фильтроград · ✅ Одобрен · ⚪️ Вне смены · 🚫 Заблокирован`,
    );
    expect(list.text).not.toContain(`#${foreign.id}`);
    expect(d.buttons(admin, menu.message_id)).toEqual([
      `👁 #${c.id} Вера Блок`,
      `👁 #${b.id} Борис Новичок`,
      `👁 #${a.id} Анна Электрик`,
      '🔧 Фильтры',
      '🏠 В меню',
    ]);

    const shown = () => d.shown(admin, menu.message_id).text ?? '';
    await d.tapLast(admin, '🔧 Фильтры');
    await d.tapLast(admin, '📋 Статус: Все'); // → pending
    await d.tapLast(admin, '📋 Показать список');
    expect(shown()).toContain('👷 Мастера (1)');
    expect(shown()).toContain(`#${b.id} Борис Новичок`);

    await d.tapLast(admin, '🔧 Фильтры');
    await d.tapLast(admin, '🔄 Сбросить фильтры');
    await d.tapLast(admin, '🚫 Блокировка: Все'); // → yes
    await d.tapLast(admin, '📋 Показать список');
    expect(shown()).toContain('👷 Мастера (1)');
    expect(shown()).toContain(`#${c.id} Вера Блок`);

    await d.tapLast(admin, '🔧 Фильтры');
    await d.tapLast(admin, '🔄 Сбросить фильтры');
    await d.tapLast(admin, '🟢 Смена: Все'); // → on
    await d.tapLast(admin, '🛠 Навык: Все'); // → electrics
    await d.tapLast(admin, '📋 Показать список');
    expect(shown()).toContain('👷 Мастера (1)');
    expect(shown()).toContain(`#${a.id} Анна Электрик`);

    // City filter: only cities in scope; a forged other city is refused.
    await d.tapLast(admin, '🔧 Фильтры');
    await d.tapLast(admin, '🔄 Сбросить фильтры');
    await d.tapLast(admin, '🏙 Город: Все');
    expect(d.buttons(admin, menu.message_id)).toEqual(['🌍 Все города', 'Фильтроград', '⬅️ Назад']);
    const refused = await d.tap(admin, menu.message_id, {
      data: encode('mastersFilterCity', { cityId: h.spb.city.id }),
      unchecked: true,
    });
    expect(refused).toMatchObject({ text: texts.notInScope });
    await d.tapLast(admin, 'Фильтроград');
    expect(d.buttons(admin, menu.message_id)[0]).toBe('🏙 Город: Фильтроград');
    await d.tapLast(admin, '📋 Показать список');
    expect(shown()).toContain('👷 Мастера (3)');
    expect(shown()).toContain('Город: Фильтроград');
  });

  it('pages ten masters at a time', async () => {
    const { city } = await createCity(h.tdb.db, { name: 'Многоград' });
    const admin = await h.staff('logist', [city.id]);
    for (let i = 0; i < 12; i++)
      await createMaster(h.tdb.db, { cityId: city.id, fullName: `Мастер Номер${i}` });
    const menu = await d.menu(admin);
    await d.tapLast(admin, '👷 Мастера');
    expect(d.shown(admin, menu.message_id).text).toContain('Страница 1 из 2');
    expect(d.buttons(admin, menu.message_id).filter((b) => b.startsWith('👁'))).toHaveLength(10);
    await d.tapLast(admin, '▶️');
    expect(d.shown(admin, menu.message_id).text).toContain('Страница 2 из 2');
    expect(d.buttons(admin, menu.message_id).filter((b) => b.startsWith('👁'))).toHaveLength(2);
    expect(d.buttons(admin, menu.message_id)).toContain('◀️');
  });

  it('a staff member without cities sees no masters', async () => {
    const cityless = await h.staff('logist', []);
    await createMaster(h.tdb.db, { fullName: 'Московский Мастер' });
    const menu = await d.menu(cityless);
    await d.tapLast(cityless, '👷 Мастера');
    expect(d.shown(cityless, menu.message_id).text).toContain('👷 Мастера (0)');
    expect(d.shown(cityless, menu.message_id).text).toContain(T.listEmpty);
  });
});

describe('master card', () => {
  it('shows profile, districts, skills, stats, active orders and commissions', async () => {
    const admin = await h.staff('city_admin');
    const cao = h.moscow.district('ЦАО');
    const m = await createMaster(h.tdb.db, {
      fullName: 'Иван Карточкин',
      districtIds: [cao.id],
      skills: ['electrics', 'plumbing'],
      maxActiveOrdersOverride: 3,
    });
    const active = await createOrder(h.tdb.db, { status: 'working', assignedMasterId: m.id });
    const closed = await createOrder(h.tdb.db, {
      status: 'closed',
      assignedMasterId: m.id,
      overrides: { total_amount_kopecks: 500_000 },
    });
    await h.tdb.db
      .insertInto('commissions')
      .values({
        order_id: closed.id,
        master_id: m.id,
        amount_kopecks: 250_000,
        rate: '0.5000',
        status: 'overdue',
        deadline_at: new Date(Date.now() - 3_600_000),
      })
      .execute();
    const msg = await openCard(admin, m.id);
    const text = d.shown(admin, msg).text!;
    expect(text).toContain(`👤 Иван Карточкин #${m.id}`);
    expect(text).toContain('📍 Город: Москва');
    expect(text).toContain('🔢 Лимит активных заказов: 3 (индивидуальный)');
    expect(text).toContain('🗺 Районы: ЦАО');
    expect(text).toContain('🛠 Навыки: ⚡ Электрика, 🚰 Сантехника');
    expect(text).toContain('📊 Закрыто заказов: 1 · выручка 5\u00a0000\u00a0₽ · отменено 0');
    expect(text).toContain(`📦 Активные заказы: #${active.id} (Мастер работает)`);
    expect(text).toContain(
      '💰 Комиссии: к оплате 0\u00a0₽ · просрочено 2\u00a0500\u00a0₽ · оплачено 0\u00a0₽',
    );
    expect(text).toContain(`заказ #${closed.id}: 2\u00a0500\u00a0₽ — 🚫 Просрочено`);
  });
});

describe('block and unblock', () => {
  it('blocks with a reason once, then unblocks with a reason once; each audited and notified once', async () => {
    const logist = await h.staff('logist');
    const m = await createMaster(h.tdb.db, { fullName: 'Семён Блокируемый' });
    const msg = await openCard(logist, m.id);
    await d.tap(logist, msg, { text: '🚫 Заблокировать' });
    expect(d.shown(logist, msg).text).toContain('Блокировка мастера');
    expect((await d.send(logist, 'no')).text).toBe(T.reasonTooShort);
    expect(
      (
        await d.sendRaw(logist, {
          sticker: {
            file_id: 's',
            file_unique_id: 'u',
            width: 1,
            height: 1,
            is_animated: false,
            is_video: false,
            type: 'regular',
          },
        })
      ).text,
    ).toBe(T.textExpected);
    expect((await masterRow(m.id)).is_blocked).toBe(false);
    await d.send(logist, 'Грубил клиенту');
    expect(d.sentSince(logist, d.sentCount(logist) - 2)[0]!.text).toBe(T.blocked);
    expect(await masterRow(m.id)).toMatchObject({
      is_blocked: true,
      blocked_reason: 'Грубил клиенту',
      shift_status: 'off',
    });
    const card = d.lastBotMessage(logist);
    expect(card.text).toContain('🚫 Заблокирован: Грубил клиенту');
    expect(d.buttons(logist, card.message_id)).toContain('🔓 Разблокировать');

    // A stale "block" button: refused, nothing new.
    const again = await d.tap(logist, msg, {
      data: encode('masterBlock', { masterId: m.id }),
      unchecked: true,
    });
    expect(again.text).toBe(T.alreadyBlocked);
    const blocked = await outbox(m.id, 'account_blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.payload).toEqual({ reason: 'Грубил клиенту' });
    expect(await audits(m.id, 'master.block')).toHaveLength(1);

    await d.tap(logist, card.message_id, { text: '🔓 Разблокировать' });
    await d.send(logist, 'Извинился, разобрались');
    expect(await masterRow(m.id)).toMatchObject({ is_blocked: false, blocked_reason: null });
    const unblockAgain = await d.tap(logist, card.message_id, {
      data: encode('masterUnblock', { masterId: m.id }),
      unchecked: true,
    });
    expect(unblockAgain.text).toBe(T.notBlocked);
    expect(await outbox(m.id, 'account_unblocked')).toHaveLength(1);
    const [unblockAudit] = await audits(m.id, 'master.unblock');
    expect(unblockAudit!.payload).toEqual({ reason: 'Извинился, разобрались' });
  });

  it('a logist of Москва cannot act on a master of СПб through forged callbacks', async () => {
    const logist = await h.staff('logist');
    const spb = await createMaster(h.tdb.db, { cityId: h.spb.city.id });
    const menu = await d.menu(logist);
    for (const data of [
      encode('masterBlock', { masterId: spb.id }),
      encode('masterUnblock', { masterId: spb.id }),
      encode('masterLimit', { masterId: spb.id }),
      encode('masterMessage', { masterId: spb.id }),
      encode('masterDistricts', { masterId: spb.id, page: 0 }),
      encode('masterSkills', { masterId: spb.id }),
      encode('adminMasterOpen', { masterId: spb.id }),
    ]) {
      const answer = await d.tap(logist, menu.message_id, { data, unchecked: true });
      expect(answer).toMatchObject({ text: texts.notInScope, show_alert: true });
    }
    // Saves without a selection opened for that master (it could not be opened) change nothing.
    for (const data of [
      encode('masterSkillsSave', { masterId: spb.id }),
      encode('masterDistrictsSave', { masterId: spb.id }),
      encode('masterSkillToggle', { masterId: spb.id, skill: 'windows' }),
    ]) {
      const answer = await d.tap(logist, menu.message_id, { data, unchecked: true });
      expect(answer.text).toBe(texts.sessionExpired);
    }
    expect((await d.send(logist, 'Попытка блокировки')).text).toBe(texts.useButtons);
    expect(await masterRow(spb.id)).toMatchObject({ is_blocked: false, max_active_orders_override: null });
    const rows = await h.tdb.db
      .selectFrom('notifications_outbox')
      .select('id')
      .where('master_id', '=', spb.id)
      .execute();
    expect(rows).toHaveLength(0);
  });
});

describe('order limit', () => {
  it('refuses bad input, sets the limit once per change, and resets to the default', async () => {
    const admin = await h.staff('city_admin');
    const m = await createMaster(h.tdb.db, { fullName: 'Лимит Лимитович' });
    const msg = await openCard(admin, m.id);
    await d.tap(admin, msg, { text: '🔢 Лимит заказов' });
    expect(d.shown(admin, msg).text).toContain('Сейчас: 1');
    for (const bad of ['abc', '51', '-5', '2.5']) {
      expect((await d.send(admin, bad)).text).toBe(T.badLimit);
    }
    await d.send(admin, '3');
    expect((await masterRow(m.id)).max_active_orders_override).toBe(3);
    expect(d.sentSince(admin, d.sentCount(admin) - 2)[0]!.text).toBe(T.limitSet(3));

    const card = d.lastBotMessage(admin);
    await d.tap(admin, card.message_id, { text: '🔢 Лимит заказов' });
    await d.send(admin, '3');
    expect(d.sentSince(admin, d.sentCount(admin) - 2)[0]!.text).toBe(T.limitSame);
    expect(await outbox(m.id, 'limit_changed')).toHaveLength(1);

    await d.tap(admin, d.lastBotMessage(admin).message_id, { text: '🔢 Лимит заказов' });
    await d.send(admin, '-');
    expect((await masterRow(m.id)).max_active_orders_override).toBeNull();
    expect((await outbox(m.id, 'limit_changed')).map((r) => r.payload)).toEqual([{ limit: 3 }, { limit: 1 }]);
    expect(await audits(m.id, 'master.limit')).toHaveLength(2);
  });
});

describe('districts and skills', () => {
  it('edits districts and skills with multi-selects; at least one skill', async () => {
    const admin = await h.staff('city_admin');
    const [d1, d2] = h.moscow.districts;
    const m = await createMaster(h.tdb.db, {
      fullName: 'Район Навыков',
      districtIds: [d1!.id],
      skills: ['electrics'],
    });
    const msg = await openCard(admin, m.id);
    await d.tap(admin, msg, { text: '🗺 Районы' });
    expect(d.buttons(admin, msg)).toContain(`✅ ${d1!.name}`);
    await d.tap(admin, msg, { text: `✅ ${d1!.name}` });
    await d.tap(admin, msg, { text: `⬜️ ${d2!.name}` });
    expect(d.shown(admin, msg).text).toContain('Выбрано: 1');
    const saved = await d.tap(admin, msg, { text: '💾 Сохранить' });
    expect(saved.text).toBe(T.districtsSaved);
    const districts = await h.tdb.db
      .selectFrom('master_districts')
      .select('district_id')
      .where('master_id', '=', m.id)
      .execute();
    expect(districts.map((x) => x.district_id)).toEqual([d2!.id]);

    await d.tap(admin, msg, { text: '🛠 Навыки' });
    expect((await d.send(admin, 'сантехника')).text).toBe(T.useButtonsHere);
    await d.tap(admin, msg, { text: '✅ ⚡ Электрика' });
    const empty = await d.tap(admin, msg, { text: '💾 Сохранить' });
    expect(empty).toMatchObject({ text: T.skillsEmpty, show_alert: true });
    await d.tap(admin, msg, { text: '⬜️ 🪟 Окна' });
    await d.tap(admin, msg, { text: '⬜️ 🚰 Сантехника' });
    await d.tap(admin, msg, { text: '💾 Сохранить' });
    const skills = await h.tdb.db
      .selectFrom('master_skills')
      .select('skill_code')
      .where('master_id', '=', m.id)
      .orderBy('skill_code')
      .execute();
    expect(skills.map((s) => s.skill_code).sort()).toEqual(['plumbing', 'windows']);
    expect(d.shown(admin, msg).text).toContain('🛠 Навыки: 🚰 Сантехника, 🪟 Окна');
    expect(await audits(m.id, 'master.districts')).toHaveLength(1);
    expect(await audits(m.id, 'master.skills')).toHaveLength(1);
    // The master is told once per change, with the new lists.
    const notices = await outbox(m.id, 'profile_updated');
    expect(notices.map((r) => r.payload)).toEqual([
      { field: 'districts', values: [d2!.name] },
      { field: 'skills', values: ['🚰 Сантехника', '🪟 Окна'] },
    ]);
    expect(renderNotification('profile_updated', notices[1]!.payload as never, new Date()).text).toBe(
      '<b>✏️ Администратор обновил ваш профиль</b>\n\n🛠 Навыки: 🚰 Сантехника, 🪟 Окна\n\nЗаказы будут предлагаться с учётом изменений.',
    );
    // Saving the same skills again changes nothing and tells nobody.
    await d.tap(admin, msg, { text: '🛠 Навыки' });
    await d.tap(admin, msg, { text: '💾 Сохранить' });
    expect(await outbox(m.id, 'profile_updated')).toHaveLength(2);
  });
});

describe('message to the master', () => {
  it('sends one staff_message with the sender; bad input refused; a repeated request writes no second row', async () => {
    const admin = await h.staff('city_admin');
    const m = await createMaster(h.tdb.db, { fullName: 'Адресат Сообщений' });
    const msg = await openCard(admin, m.id);
    await d.tap(admin, msg, { text: '✉️ Сообщение мастеру' });
    expect((await d.send(admin, 'я'.repeat(1001))).text).toBe(T.messageTooLong);
    expect((await d.sendPhoto(admin)).text).toBe(T.textExpected);
    await d.send(admin, 'Завтра в 9:00 <собрание>');
    expect(d.sentSince(admin, d.sentCount(admin) - 2)[0]!.text).toBe(T.messageSent);
    const rows = await outbox(m.id, 'staff_message');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toEqual({ text: 'Завтра в 9:00 <собрание>', from: admin.full_name });

    // The same request (the same Telegram message, e.g. a redelivered update) is sent once.
    const key = rows[0]!.dedup_key!.split(':').at(-1)!;
    const actor = { staffId: admin.id, staffName: admin.full_name, inScope: () => true };
    const again = await messageMaster(h.deps, actor, m.id, { text: 'Повтор', requestKey: key });
    expect(again).toEqual({ kind: 'ok', sent: false });
    expect(await outbox(m.id, 'staff_message')).toHaveLength(1);
    expect(await audits(m.id, 'master.message')).toHaveLength(1);
  });
});
