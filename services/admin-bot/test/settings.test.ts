import { loadSettings, SettingsCache } from '@fs/db';
import { createCity, type StaffFixture } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { texts } from '../src/texts';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;
let admin: StaffFixture;
const T = texts.ops.settings;

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
  admin = await h.staff('global_admin');
});
afterAll(() => h?.close());

const invalid = (error: string) => `⚠️ ${error}\nПопробуйте ещё раз или нажмите /cancel.`;

async function settingRow(key: string) {
  return h.tdb.db.selectFrom('settings').selectAll().where('key', '=', key).executeTakeFirst();
}
async function auditRows(action: string) {
  return h.tdb.db
    .selectFrom('admin_audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('staff_user_id', '=', admin.id)
    .orderBy('id')
    .execute();
}

/** Menu → ⚙️ Настройки → group → ✏️ setting: the prompt message. */
async function openSetting(group: string, label: string) {
  await d.menu(admin);
  await d.tapLast(admin, texts.menu.settings);
  await d.tapLast(admin, group);
  return (await d.tapLast(admin, T.editButton(label))).last;
}

describe('settings: values', () => {
  it('rejects bad input with the exact reason and writes nothing; a valid value is saved, audited and seen by a fresh cache', async () => {
    const prompt = await openSetting(T.groups.dist, 'SLA ответа мастера, сек');
    expect(prompt.text).toBe(
      '✏️ SLA ответа мастера, сек\nСколько секунд открыто одно предложение мастеру\n\nСейчас: 120\nЦелое число от 15 до 3600.\n\nОтправьте новое значение или /cancel для отмены.',
    );
    const before = await settingRow('distribution_sla_seconds');
    expect((await d.send(admin, 'сто')).text).toBe(invalid('Введите целое число.'));
    expect((await d.send(admin, '12.5')).text).toBe(invalid('Введите целое число.'));
    expect((await d.send(admin, '5')).text).toBe(invalid('Допустимо от 15 до 3600.'));
    expect((await d.send(admin, '99999')).text).toBe(invalid('Допустимо от 15 до 3600.'));
    expect((await d.sendPhoto(admin)).text).toBe(T.notText);
    expect(await settingRow('distribution_sla_seconds')).toEqual(before);
    expect(await auditRows('setting.update')).toHaveLength(0);

    const since = d.sentCount(admin);
    await d.send(admin, ' 90 ');
    const [saved, group] = d.sentSince(admin, since);
    expect(saved!.text).toBe(
      '✅ Сохранено: SLA ответа мастера, сек — 90.\nСервисы применят изменение в течение нескольких секунд.',
    );
    expect(group!.text).toContain('• SLA ответа мастера, сек: 90');
    expect((await settingRow('distribution_sla_seconds'))!).toMatchObject({
      value: 90,
      updated_by_staff_id: admin.id,
    });
    expect((await new SettingsCache(h.tdb.db).get()).distribution_sla_seconds).toBe(90);
    const audit = await auditRows('setting.update');
    expect(audit.map((a) => [a.entity_type, a.payload])).toEqual([
      ['setting', { key: 'distribution_sla_seconds', from: 120, to: 90 }],
    ]);
    // The wizard is closed: another number is not taken as a value.
    expect((await d.send(admin, '100')).text).toBe(texts.useButtons);
    expect((await settingRow('distribution_sla_seconds'))!.value).toBe(90);
  });

  it('working hours: a bad time and a start after the end are refused; equal times are round the clock', async () => {
    await openSetting(T.groups.hours, 'Начало рабочего дня');
    expect((await d.send(admin, '25:00')).text).toBe(
      invalid('Введите время в формате ЧЧ:ММ, например 09:30.'),
    );
    expect((await d.send(admin, '9 утра')).text).toBe(
      invalid('Введите время в формате ЧЧ:ММ, например 09:30.'),
    );
    expect((await d.send(admin, '21:00')).text).toBe(
      invalid(
        'Начало рабочего дня не может быть позже конца (сейчас конец — 20:00; то же время — круглосуточно).',
      ),
    );
    expect((await loadSettings(h.tdb.db)).working_hours_start).toBe('10:00');
    await d.send(admin, '9:30');
    expect((await loadSettings(h.tdb.db)).working_hours_start).toBe('09:30');

    await openSetting(T.groups.hours, 'Конец рабочего дня');
    expect((await d.send(admin, '09:00')).text).toBe(
      invalid(
        'Конец рабочего дня не может быть раньше начала (сейчас начало — 09:30; то же время — круглосуточно).',
      ),
    );
    expect((await loadSettings(h.tdb.db)).working_hours_end).toBe('20:00');

    // The end equal to the start: the whole day, shown so on the group screen.
    const since = d.sentCount(admin);
    await d.send(admin, '09:30');
    expect((await loadSettings(h.tdb.db)).working_hours_end).toBe('09:30');
    const [, group] = d.sentSince(admin, since);
    expect(group!.text).toContain('Рабочий день: круглосуточно\n');
    expect(group!.text).toContain('Одинаковые начало и конец — круглосуточно.');
    // Back to 09:30–20:00 for the tests below.
    await d.tapLast(admin, T.editButton('Конец рабочего дня'));
    await d.send(admin, '20:00');
    expect((await loadSettings(h.tdb.db)).working_hours_end).toBe('20:00');
    expect(d.lastBotMessage(admin).text).toContain('Рабочий день: 09:30–20:00\n');
  });

  it('visit time slots: malformed or overlapping slots are refused, valid ones saved', async () => {
    await openSetting(T.groups.hours, 'Слоты времени визита');
    const before = (await loadSettings(h.tdb.db)).order_timeslots;
    const format = 'Формат: 10-13,13-16,16-19 (часы или ЧЧ:ММ, через запятую, по возрастанию).';
    for (const [bad, error] of [
      ['10-13,12-15', 'Интервалы должны идти по возрастанию и не пересекаться («12-15»).'],
      ['утро', `Не понял интервал «утро». ${format}`],
      ['13-10', 'Интервал «13-10»: начало должно быть раньше конца.'],
      [' ', `Укажите хотя бы один интервал. ${format}`],
    ] as const) {
      expect((await d.send(admin, bad)).text).toBe(invalid(error));
    }
    expect((await loadSettings(h.tdb.db)).order_timeslots).toBe(before);
    await d.send(admin, '9-12,12-15,15-18');
    const saved = (await loadSettings(h.tdb.db)).order_timeslots;
    expect(saved).not.toBe(before);
    expect(saved).toMatch(/^0?9(:00)?-12(:00)?,12(:00)?-15(:00)?,15(:00)?-18(:00)?$/);
  });

  it('channels take a numeric chat id or "-" to switch off; a bool takes да/нет', async () => {
    await openSetting(T.groups.channels, 'Канал алертов (ID)');
    expect((await d.send(admin, '@alerts')).text).toBe(
      invalid('Нужен числовой ID канала, например -1001234567890, или «-», чтобы отключить.'),
    );
    expect((await loadSettings(h.tdb.db)).alerts_channel_id).toBe('');
    await d.send(admin, '-1001234567890');
    expect((await loadSettings(h.tdb.db)).alerts_channel_id).toBe('-1001234567890');
    await openSetting(T.groups.channels, 'Канал алертов (ID)');
    await d.send(admin, '-');
    expect((await loadSettings(h.tdb.db)).alerts_channel_id).toBe('');

    await openSetting(T.groups.dist, 'Сообщать о назначении мастера');
    expect((await d.send(admin, 'может быть')).text).toBe(invalid('Ответьте «да» или «нет».'));
    await d.send(admin, 'да');
    expect((await loadSettings(h.tdb.db)).notify_staff_on_assign).toBe(true);

    // Distance in dispatch (issue 18): the weight 0–10 and the radius in km.
    await openSetting(T.groups.dist, 'Вес расстояния (0–10)');
    expect((await d.send(admin, '11')).text).toBe(invalid('Допустимо от 0 до 10.'));
    await d.send(admin, '8');
    await openSetting(T.groups.dist, 'Макс. расстояние до заказа, км');
    await d.send(admin, '25');
    expect(await loadSettings(h.tdb.db)).toMatchObject({ distance_weight: 8, distance_max_km: 25 });
  });

  it('/cancel leaves the edit without writing; other roles cannot open or forge settings', async () => {
    await openSetting(T.groups.limits, 'Макс. активных заказов у мастера');
    await d.send(admin, '/cancel');
    expect((await d.send(admin, '7')).text).toBe(texts.useButtons);
    expect((await loadSettings(h.tdb.db)).max_active_orders).toBe(1);

    const cityAdmin = await h.staff('city_admin');
    const menu = await d.menu(cityAdmin);
    for (const data of [
      encode('settingsMenu', {}),
      encode('settingEdit', { key: 'maxact' }),
      encode('geoTimezone', { cityId: h.moscow.city.id }),
      encode('cityHoursReset', { cityId: h.moscow.city.id }),
    ]) {
      const answer = await d.tap(cityAdmin, menu.message_id, { data, unchecked: true });
      expect(answer).toMatchObject({ text: texts.noRight });
    }
    expect((await d.send(cityAdmin, '7')).text).toBe(texts.useButtons);
    expect((await loadSettings(h.tdb.db)).max_active_orders).toBe(1);
  });
  it('an edit left idle too long expires politely and writes nothing', async () => {
    await openSetting(T.groups.limits, 'Макс. активных заказов у мастера');
    const id = Number(admin.tg_user_id);
    const key = `${h.redis.prefix}:session:admin:${id}:${id}`;
    const session = JSON.parse((await h.redis.connection.get(key))!);
    expect(session.wizard).toMatchObject({ kind: 'setting' });
    session.wizard.at -= 20 * 60_000;
    await h.redis.connection.set(key, JSON.stringify(session));
    expect((await d.send(admin, '5')).text).toBe(texts.sessionExpired);
    expect((await loadSettings(h.tdb.db)).max_active_orders).toBe(1);
    expect((await d.send(admin, '5')).text).toBe(texts.useButtons);
  });
});

describe('settings: cities', () => {
  /** The city's own working hours as stored (null: the global ones). */
  const cityHours = (cityId: number) =>
    h.tdb.db
      .selectFrom('cities')
      .select(['working_hours_start', 'working_hours_end'])
      .where('id', '=', cityId)
      .executeTakeFirstOrThrow();

  it('per-city working hours: bad format and order refused, saved, reset to the global ones', async () => {
    const { city } = await createCity(h.tdb.db, { name: 'Часоград' });
    const menu = await d.menu(admin);
    await d.tap(admin, menu.message_id, {
      data: encode('cityHoursOpen', { cityId: city.id }),
      unchecked: true,
    });
    expect(d.shown(admin, menu.message_id).text).toContain('Рабочий день: 09:30–20:00 (общие часы)');
    await d.tapLast(admin, T.cityHoursEdit);
    expect((await d.send(admin, '9-18')).text).toBe(T.badCityHours);
    expect((await d.send(admin, '18:00-09:00')).text).toBe(T.cityHoursOrder);
    expect((await d.send(admin, '08:00-24:00')).text).toBe(T.badCityHours);
    const row = () => cityHours(city.id);
    expect(await row()).toEqual({ working_hours_start: null, working_hours_end: null });
    await d.send(admin, '08:00 – 22:00');
    expect(await row()).toEqual({ working_hours_start: '08:00:00', working_hours_end: '22:00:00' });
    expect(d.lastBotMessage(admin).text).toContain('Рабочий день: 08:00–22:00 (свои часы города)');
    await d.tapLast(admin, T.cityHoursReset);
    expect(await row()).toEqual({ working_hours_start: null, working_hours_end: null });
    expect((await auditRows('city.working_hours')).map((a) => a.payload)).toEqual([
      { from: null, to: ['08:00', '22:00'] },
      { from: ['08:00', '22:00'], to: null },
    ]);
  });

  it('per-city working hours: round the clock, typed as a word or as equal times', async () => {
    const { city } = await createCity(h.tdb.db, { name: 'Круглоград' });
    const row = () => cityHours(city.id);
    const menu = await d.menu(admin);
    await d.tap(admin, menu.message_id, {
      data: encode('cityHoursOpen', { cityId: city.id }),
      unchecked: true,
    });
    const prompt = (await d.tapLast(admin, T.cityHoursEdit)).last;
    expect(prompt.text).toContain('«круглосуточно» (или 00:00-00:00)');
    const since = d.sentCount(admin);
    await d.send(admin, 'Круглосуточно');
    const [saved] = d.sentSince(admin, since);
    expect(saved!.text).toBe('✅ Часы работы города Круглоград: круглосуточно.');
    expect(await row()).toEqual({ working_hours_start: '00:00:00', working_hours_end: '00:00:00' });
    expect(d.lastBotMessage(admin).text).toContain('Рабочий день: круглосуточно (свои часы города)');

    await d.tapLast(admin, T.cityHoursEdit);
    await d.send(admin, '08:00-22:00');
    await d.tapLast(admin, T.cityHoursEdit);
    await d.send(admin, '09:15-09:15');
    expect(await row()).toEqual({ working_hours_start: '00:00:00', working_hours_end: '00:00:00' });
    expect(d.lastBotMessage(admin).text).toContain('Рабочий день: круглосуточно (свои часы города)');

    // The 🗺 Гео card shows it too.
    await d.tap(admin, menu.message_id, { data: encode('geoCity', { cityId: city.id }), unchecked: true });
    expect(d.shown(admin, menu.message_id).text).toContain('Рабочий день: круглосуточно');
    const audit = (await auditRows('city.working_hours')).filter((a) => a.entity_id === city.id);
    expect(audit.map((a) => a.payload)).toEqual([
      { from: null, to: ['00:00', '00:00'] },
      { from: ['00:00', '00:00'], to: ['08:00', '22:00'] },
      { from: ['08:00', '22:00'], to: ['00:00', '00:00'] },
    ]);
  });

  it('geo: a timezone must be an IANA zone; districts are added once', async () => {
    const { city } = await createCity(h.tdb.db, { name: 'Геоград', districts: ['Центральный'] });
    const menu = await d.menu(admin);
    await d.tap(admin, menu.message_id, { data: encode('geoCity', { cityId: city.id }), unchecked: true });
    expect(d.shown(admin, menu.message_id).text).toContain('Часовой пояс: Europe/Moscow');
    await d.tapLast(admin, T.changeTimezone);
    for (const bad of ['Mars/Olympus', 'UTC', 'MSK', '+03:00', 'Europe/Moscoww', 'Europe']) {
      expect((await d.send(admin, bad)).text).toBe(T.badTimezone);
    }
    const tz = () =>
      h.tdb.db.selectFrom('cities').select('timezone').where('id', '=', city.id).executeTakeFirstOrThrow();
    expect(await tz()).toEqual({ timezone: 'Europe/Moscow' });
    await d.send(admin, 'asia/omsk');
    expect(await tz()).toEqual({ timezone: 'Asia/Omsk' });
    expect(d.lastBotMessage(admin).text).toContain('Часовой пояс: Asia/Omsk');

    await d.tapLast(admin, T.addDistrict);
    expect((await d.send(admin, 'Ы')).text).toBe(T.badDistrict);
    expect((await d.send(admin, '<script>')).text).toBe(T.badDistrict);
    expect((await d.send(admin, 'центральный')).text).toBe(T.districtExists);
    await d.send(admin, '  Заречный   район ');
    const names = await h.tdb.db
      .selectFrom('districts')
      .select('name')
      .where('city_id', '=', city.id)
      .orderBy('name')
      .execute();
    expect(names.map((n) => n.name)).toEqual(['Заречный район', 'Центральный']);
    expect(d.lastBotMessage(admin).text).toContain('Районы (2): Заречный район, Центральный');
  });
});
