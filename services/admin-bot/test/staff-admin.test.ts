import type { StaffFixture } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { texts } from '../src/texts';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;
let global: StaffFixture;
const T = texts.masters;

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
  global = await h.staff('global_admin');
});
afterAll(() => h?.close());

/** Presses a city's toggle in the picker, paging forward until it shows up. */
async function tapCity(messageId: number, name: string, selected = false): Promise<void> {
  const label = `${selected ? '✅' : '⬜️'} ${name}`;
  for (let i = 0; i < 20; i++) {
    if (d.buttons(global, messageId).includes(label)) {
      await d.tap(global, messageId, { text: label });
      return;
    }
    if (!d.buttons(global, messageId).includes('▶️')) break;
    await d.tap(global, messageId, { text: '▶️' });
  }
  throw new Error(`city ${name} not in the picker`);
}

const staffSection = async () => {
  const menu = await d.menu(global);
  await d.tapLast(global, '👤 Персонал и доступ');
  return menu.message_id;
};

describe('access codes', () => {
  it('issues a one-time code for a role and cities with a deep link; the code opens access once', async () => {
    const msg = await staffSection();
    expect(d.buttons(global, msg)).toEqual([
      '🔑 Выдать код доступа',
      '➕ Добавить сотрудника',
      '👥 Сотрудники',
      '🎟 Активные коды',
      '🏠 В меню',
    ]);
    await d.tap(global, msg, { text: '🔑 Выдать код доступа' });
    expect(d.buttons(global, msg)).toEqual([
      '👑 Глобальный администратор',
      '🏙 Администратор города',
      '📦 Логист',
      '❌ Отмена',
    ]);
    await d.tap(global, msg, { text: '🏙 Администратор города' });
    expect(d.shown(global, msg).text).toContain('Города сотрудника');
    const none = await d.tap(global, msg, { text: '✅ Готово' });
    expect(none).toMatchObject({ text: T.citiesRequired, show_alert: true });
    expect((await d.send(global, 'Москва')).text).toBe(T.useButtonsHere);
    await tapCity(msg, 'Москва');
    await tapCity(msg, 'Санкт-Петербург');
    expect(d.shown(global, msg).text).toContain('Выбрано: Москва, Санкт-Петербург');
    await d.tap(global, msg, { text: '✅ Готово' });

    const code = await h.tdb.db
      .selectFrom('staff_access_codes')
      .selectAll()
      .where('issued_by_staff_id', '=', global.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(code.code).toMatch(/^[A-Z2-9]{8}$/);
    expect(code.role).toBe('city_admin');
    expect(code.expires_at!.getTime()).toBeGreaterThan(Date.now() + 71 * 3_600_000);
    const cities = await h.tdb.db
      .selectFrom('staff_access_code_cities')
      .select('city_id')
      .where('access_code_id', '=', code.id)
      .orderBy('city_id')
      .execute();
    expect(cities.map((c) => c.city_id).sort()).toEqual([h.moscow.city.id, h.spb.city.id].sort());
    const shown = d.shown(global, msg).text!;
    expect(shown).toContain(`Код: ${code.code}`);
    expect(shown).toContain(`https://t.me/admin_test_bot?start=${code.code}`);
    expect(shown).toContain('Города: Москва, Санкт-Петербург');
    const audit = await h.tdb.db
      .selectFrom('admin_audit_log')
      .selectAll()
      .where('entity_type', '=', 'access_code')
      .where('entity_id', '=', code.id)
      .execute();
    expect(audit).toMatchObject([{ action: 'access_code.issue', staff_user_id: global.id }]);

    // The newcomer follows the link.
    const newcomer = { tg_user_id: 700_000_001 };
    const welcome = await d.send(newcomer as never, `/start ${code.code}`);
    expect(welcome.text).toContain('Главное меню');
    const joined = await h.tdb.db
      .selectFrom('staff_users')
      .selectAll()
      .where('tg_user_id', '=', 700_000_001)
      .executeTakeFirstOrThrow();
    expect(joined.role).toBe('city_admin');
  });

  it('a global-admin code needs no cities', async () => {
    const msg = await staffSection();
    await d.tap(global, msg, { text: '🔑 Выдать код доступа' });
    await d.tap(global, msg, { text: '👑 Глобальный администратор' });
    expect(d.shown(global, msg).text).toContain('Города: все');
  });

  it('lists active codes and revokes an unused one; the revoked code no longer works', async () => {
    const msg = await staffSection();
    await d.tap(global, msg, { text: '🔑 Выдать код доступа' });
    await d.tap(global, msg, { text: '📦 Логист' });
    await tapCity(msg, 'Москва');
    await d.tap(global, msg, { text: '✅ Готово' });
    const code = await h.tdb.db
      .selectFrom('staff_access_codes')
      .selectAll()
      .where('role', '=', 'logist')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    await d.tap(global, msg, { text: '⬅️ Персонал' });
    await d.tap(global, msg, { text: '🎟 Активные коды' });
    expect(d.shown(global, msg).text).toContain(`${code.code} · 📦 Логист · Москва`);
    const answer = await d.tap(global, msg, { text: `🚫 Отозвать ${code.code}` });
    expect(answer.text).toBe(T.codeRevoked);
    expect(
      (
        await h.tdb.db
          .selectFrom('staff_access_codes')
          .select('revoked_at')
          .where('id', '=', code.id)
          .executeTakeFirstOrThrow()
      ).revoked_at,
    ).toBeInstanceOf(Date);
    expect(d.shown(global, msg).text).not.toContain(code.code);
    const again = await d.tap(global, msg, {
      data: encode('staffCodeRevoke', { codeId: code.id }),
      unchecked: true,
    });
    expect(again.text).toBe(T.codeNotActive);
    const refused = await d.send({ tg_user_id: 700_000_002 } as never, `/start ${code.code}`);
    expect(refused.text).toBe(texts.codeInvalid);
  });
});

describe('adding staff directly', () => {
  it('adds by @username (linked on first contact) and by Telegram id; bad and duplicate input refused', async () => {
    const msg = await staffSection();
    await d.tap(global, msg, { text: '➕ Добавить сотрудника' });
    await d.tap(global, msg, { text: '📦 Логист' });
    await tapCity(msg, 'Москва');
    await d.tap(global, msg, { text: '✅ Готово' });
    expect(d.shown(global, msg).text).toBe('➕ Отправьте Telegram ID (число) или @username сотрудника.');
    for (const bad of ['hello world', '@ab', '12', '@имя_кириллицей']) {
      expect((await d.send(global, bad)).text).toBe(T.badStaffUser);
    }
    expect((await d.sendPhoto(global)).text).toBe(T.badStaffUser);
    await d.send(global, '@New_Logist');
    const added = d.sentSince(global, d.sentCount(global) - 2)[0]!.text!;
    expect(added).toContain('Сотрудник добавлен');
    expect(added).toContain('Пользователь: @new_logist');
    expect(added).toMatch(/Приглашение по username действует до \d\d\.\d\d\.\d{4} \d\d:\d\d/);
    const row = await h.tdb.db
      .selectFrom('staff_users')
      .selectAll()
      .where('username', '=', 'new_logist')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ role: 'logist', tg_user_id: null, is_active: true });
    // The invitation lives as long as an access code (72 h).
    const lifeH = (row.invite_expires_at!.getTime() - row.created_at.getTime()) / 3_600_000;
    expect(lifeH).toBeCloseTo(72, 1);
    const cities = await h.tdb.db
      .selectFrom('staff_cities')
      .select('city_id')
      .where('staff_user_id', '=', row.id)
      .execute();
    expect(cities.map((c) => c.city_id)).toEqual([h.moscow.city.id]);

    // First contact links the Telegram account.
    await h.fake.userSendsText(
      h.token,
      { id: 700_000_010, first_name: 'Новый', username: 'New_Logist' },
      '/start',
    );
    await h.ab.running.idle();
    const linked = await h.tdb.db
      .selectFrom('staff_users')
      .select('tg_user_id')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(linked.tg_user_id).toBe(700_000_010);
    // Who took the invitation is recorded, audited and shown on the staff card.
    const taken = await h.tdb.db
      .selectFrom('admin_audit_log')
      .select(['staff_user_id', 'payload'])
      .where('action', '=', 'staff.invitation_taken')
      .where('entity_id', '=', row.id)
      .execute();
    expect(taken).toEqual([
      {
        staff_user_id: row.id,
        payload: { tg_user_id: 700_000_010, username: 'New_Logist', full_name: 'Новый' },
      },
    ]);

    // The same person again: refused.
    await d.tap(global, d.lastBotMessage(global).message_id, { text: '➕ Добавить сотрудника' });
    const msg2 = d.lastBotMessage(global).message_id;
    await d.tap(global, msg2, { text: '👑 Глобальный администратор' });
    expect((await d.send(global, '@new_logist')).text).toBe(T.staffExists);
    await d.send(global, '555000111');
    const byId = await h.tdb.db
      .selectFrom('staff_users')
      .selectAll()
      .where('tg_user_id', '=', 555_000_111)
      .executeTakeFirstOrThrow();
    expect(byId.role).toBe('global_admin');
    const audits = await h.tdb.db
      .selectFrom('admin_audit_log')
      .select('entity_id')
      .where('action', '=', 'staff.add')
      .execute();
    expect(audits.map((a) => a.entity_id)).toEqual(expect.arrayContaining([row.id, byId.id]));

    const cardMsg = await staffSection();
    await d.tap(global, cardMsg, { data: encode('staffCard', { staffId: row.id }), unchecked: true });
    expect(d.shown(global, cardMsg).text).toMatch(
      /🎟 Приглашение по username принято \d\d\.\d\d\.\d{4} \d\d:\d\d: Новый, Telegram ID 700000010/,
    );
  });
});

describe('invitations by @username', () => {
  async function invite(username: string) {
    const msg = await staffSection();
    await d.tap(global, msg, { text: '➕ Добавить сотрудника' });
    await d.tap(global, msg, { text: '📦 Логист' });
    await tapCity(msg, 'Москва');
    await d.tap(global, msg, { text: '✅ Готово' });
    return d.send(global, `@${username}`);
  }
  const row = (username: string) =>
    h.tdb.db
      .selectFrom('staff_users')
      .select(['id', 'tg_user_id', 'invite_expires_at', 'linked_at'])
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
  const writes = async (id: number, username: string) => {
    await h.fake.userSendsText(h.token, { id, first_name: 'Кто-то', username }, '/start');
    await h.ab.running.idle();
    return d.lastBotMessage({ tg_user_id: id } as never).text;
  };

  it('an expired invitation binds nobody; the card says so; adding the username again renews it', async () => {
    await invite('late_logist');
    const { id } = await row('late_logist');
    await h.tdb.db
      .updateTable('staff_users')
      .set({ invite_expires_at: new Date(Date.now() - 60_000) })
      .where('id', '=', id)
      .execute();

    // Whoever writes with that username now is a stranger: asked for a code, not linked.
    expect(await writes(700_000_020, 'Late_Logist')).toBe(texts.askCode);
    expect(await row('late_logist')).toMatchObject({ tg_user_id: null, linked_at: null });
    const msg = await staffSection();
    await d.tap(global, msg, { data: encode('staffCard', { staffId: id }), unchecked: true });
    expect(d.shown(global, msg).text).toMatch(
      /⌛️ Приглашение истекло \d\d\.\d\d\.\d{4} \d\d:\d\d: добавьте сотрудника заново/,
    );

    // Adding the same username again renews the invitation (not "already exists").
    expect((await invite('late_logist')).text).not.toBe(T.staffExists);
    const renewed = await row('late_logist');
    expect(renewed.id).toBe(id);
    expect(renewed.invite_expires_at!.getTime()).toBeGreaterThan(Date.now() + 71 * 3_600_000);
    await writes(700_000_021, 'late_logist');
    expect(await row('late_logist')).toMatchObject({ tg_user_id: 700_000_021, linked_at: expect.any(Date) });
  });

  it('a pending invitation shows until when it waits', async () => {
    await invite('pending_logist');
    const { id } = await row('pending_logist');
    const msg = await staffSection();
    await d.tap(global, msg, { data: encode('staffCard', { staffId: id }), unchecked: true });
    expect(d.shown(global, msg).text).toMatch(/⏳ Приглашение ждёт входа до \d\d\.\d\d\.\d{4} \d\d:\d\d/);
  });
});

describe('staff list', () => {
  it('lists staff with roles and cities; deactivates and reactivates others, never oneself', async () => {
    const logist = await h.staff('logist');
    const msg = await staffSection();
    await d.tap(global, msg, { data: encode('staffCard', { staffId: logist.id }), unchecked: true });
    const card = d.shown(global, msg).text!;
    expect(card).toContain('📦 Логист');
    expect(card).toContain('🏙 Города: Москва');
    expect(card).toContain('📊 Статус: 🟢 Активен');
    const off = await d.tap(global, msg, { text: '⛔️ Деактивировать' });
    expect(off.text).toBe(T.staffDeactivated);
    expect((await d.send(logist, '/start')).text).toContain('доступ к боту отключён');
    const on = await d.tap(global, msg, { text: '✅ Активировать' });
    expect(on.text).toBe(T.staffActivated);
    expect((await d.menu(logist)).text).toContain('Главное меню');

    const self = await d.tap(global, msg, {
      data: encode('staffDeactivate', { staffId: global.id }),
      unchecked: true,
    });
    expect(self).toMatchObject({ text: T.notYourself, show_alert: true });
    const me = await h.tdb.db
      .selectFrom('staff_users')
      .select('is_active')
      .where('id', '=', global.id)
      .executeTakeFirstOrThrow();
    expect(me.is_active).toBe(true);

    await d.tap(global, msg, { text: '⬅️ К списку' });
    expect(d.shown(global, msg).text).toContain('👥 Сотрудники');
    expect(d.shown(global, msg).text).toContain(`🟢 #${logist.id} ${logist.full_name} · 📦 Логист · Москва`);
    expect(d.buttons(global, msg).some((b) => b.includes(logist.full_name))).toBe(true);
  });
});

describe('staff section scoping and expiry', () => {
  it('city admins and logists cannot use any staff action', async () => {
    for (const role of ['city_admin', 'logist'] as const) {
      const s = await h.staff(role);
      const menu = await d.menu(s);
      for (const data of [
        encode('staffMenu', {}),
        encode('staffRolePick', { mode: 'code' }),
        encode('staffRoleSet', { mode: 'code', role: 'global_admin' }),
        encode('staffList', { page: 0 }),
        encode('staffDeactivate', { staffId: global.id }),
        encode('staffCodes', { page: 0 }),
      ]) {
        const answer = await d.tap(s, menu.message_id, { data, unchecked: true });
        expect(answer).toMatchObject({ text: texts.noRight });
      }
    }
    const codes = await h.tdb.db
      .selectFrom('staff_access_codes')
      .select('id')
      .where('issued_by_staff_id', 'is not', null)
      .where('role', '=', 'global_admin')
      .execute();
    expect(codes).toHaveLength(1); // only the one the global admin issued above
  });

  it('an idle city selection expires politely and issues nothing', async () => {
    const msg = await staffSection();
    await d.tap(global, msg, { text: '🔑 Выдать код доступа' });
    await d.tap(global, msg, { text: '📦 Логист' });
    const id = Number(global.tg_user_id);
    const key = `${h.redis.prefix}:session:admin:${id}:${id}`;
    const session = JSON.parse((await h.redis.connection.get(key))!);
    session.wizard.at -= 20 * 60_000;
    await h.redis.connection.set(key, JSON.stringify(session));
    const before = await h.tdb.db.selectFrom('staff_access_codes').select('id').execute();
    const answer = await d.tap(global, msg, { text: '✅ Готово' });
    expect(answer).toMatchObject({ text: texts.sessionExpired });
    expect(await h.tdb.db.selectFrom('staff_access_codes').select('id').execute()).toHaveLength(
      before.length,
    );
  });
});
