import { createMaster, createStaff, getCity, type StaffFixture } from '@fs/testkit';
import { type BotHarness, startHarness } from './harness';
import {
  ageForm,
  newcomer,
  type OnboardingDriver,
  onboardingDriver,
  restartBot,
  storedForm,
  walkTo,
} from './onboarding-driver';

let h: BotHarness;
let o: OnboardingDriver;
let cityAdmin: StaffFixture;
let globalAdmin: StaffFixture;

beforeAll(async () => {
  h = await startHarness();
  o = onboardingDriver(h);
  cityAdmin = await createStaff(h.tdb.db, { role: 'city_admin', cityIds: [h.moscow.city.id] });
  globalAdmin = await createStaff(h.tdb.db, { role: 'global_admin' });
  // Not told: a logist of the city, and an admin of another city.
  await createStaff(h.tdb.db, { role: 'logist', cityIds: [h.moscow.city.id] });
  const spb = await getCity(h.tdb.db, 'Санкт-Петербург');
  await createStaff(h.tdb.db, { role: 'city_admin', cityIds: [spb.city.id] });
});
afterAll(async () => {
  await h?.close();
});

const CONSENT = [
  '👋 Здравствуйте! Это бот для мастеров Field Service.',
  '',
  'Согласие на обработку персональных данных',
  '',
  'Чтобы зарегистрироваться, разрешите Field Service обрабатывать ваши ФИО, телефон, город и районы работы, платёжные реквизиты и сведения о заказах — для заключения договора и организации работы.',
  '',
  'Согласие можно отозвать, написав в поддержку сервиса.',
].join('\n');

const mastersOf = (tgUserId: number) =>
  h.tdb.db.selectFrom('masters').selectAll().where('tg_user_id', '=', tgUserId).execute();

const outboxOf = (event: string) =>
  h.tdb.db
    .selectFrom('notifications_outbox')
    .select(['bot', 'staff_user_id', 'master_id', 'payload', 'dedup_key'])
    .where('event', '=', event as never)
    .orderBy('id')
    .execute();

describe('onboarding', () => {
  it('happy path: consent → profile → summary → moderation; staff and the referrer are told', async () => {
    const referrer = await createMaster(h.tdb.db, {
      fullName: 'Сергей Пригласил',
      overrides: { referral_code: 'REFAB234' },
    });
    const p = newcomer();

    const start = await o.start(p);
    expect(start.text).toBe(CONSENT);
    expect(o.buttons(p, start.message_id)).toEqual(['✅ Согласен', '❌ Не согласен']);

    const consent = await o.press(p, '✅ Согласен');
    expect(consent.message.text).toBe(
      '👤 Введите фамилию, имя и отчество (если есть) через пробел.\nНапример: Иванов Иван Иванович',
    );
    expect(o.buttons(p, consent.messageId)).toEqual(['⬅️ Назад', '❌ Отменить']);

    expect((await o.send(p, 'иванов  иван иванович')).text).toBe(
      '📞 Введите номер телефона в формате +7XXXXXXXXXX или 8XXXXXXXXXX.',
    );
    const cityPrompt = await o.send(p, '8 (999) 123-45-67');
    expect(cityPrompt.text).toBe('🏙 Напишите название вашего города или выберите его из списка:');
    const cityButtons = o.buttons(p, cityPrompt.message_id);
    expect(cityButtons).toHaveLength(8 + 2 + 2); // 8 cities, pager (1/N, Вперёд), back/cancel
    const { n } = await h.tdb.db
      .selectFrom('cities')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('is_active', '=', true)
      .executeTakeFirstOrThrow();
    expect(cityButtons.slice(8)).toEqual([
      `1/${Math.ceil(Number(n) / 8)}`,
      'Вперёд ▶️',
      '⬅️ Назад',
      '❌ Отменить',
    ]);

    const matches = await o.send(p, 'моск');
    expect(matches.text).toBe('🏙 Города по запросу «моск». Выберите ваш:');
    expect(o.buttons(p, matches.message_id)).toEqual(['Москва', '📋 Весь список', '⬅️ Назад', '❌ Отменить']);
    const districts = await o.press(p, 'Москва');
    expect(districts.message.text).toBe(
      '📍 Москва: выберите районы, где готовы работать (можно несколько), и нажмите «✅ Готово».',
    );
    expect(o.buttons(p, districts.messageId)).toEqual([
      '▫️ ЦАО',
      '▫️ САО',
      '▫️ СВАО',
      '▫️ ВАО',
      '▫️ ЮВАО',
      '▫️ ЮАО',
      '1/2',
      'Вперёд ▶️',
      '▫️ Все районы',
      '✅ Готово',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    // "Готово" with nothing selected is refused.
    expect((await o.press(p, '✅ Готово')).answer).toEqual({
      text: 'Выберите хотя бы один район.',
      show_alert: true,
    });
    await o.press(p, '▫️ ЦАО');
    await o.press(p, 'Вперёд ▶️');
    expect(o.buttons(p, districts.messageId)).toEqual([
      '▫️ ЮЗАО',
      '▫️ ЗАО',
      '▫️ СЗАО',
      '▫️ ЗелАО',
      '▫️ НАО',
      '▫️ ТАО',
      '◀️ Назад',
      '2/2',
      '▫️ Все районы',
      '✅ Готово',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    await o.press(p, '▫️ Все районы');
    expect(o.buttons(p, districts.messageId).slice(0, 6)).toEqual([
      '✅ ЮЗАО',
      '✅ ЗАО',
      '✅ СЗАО',
      '✅ ЗелАО',
      '✅ НАО',
      '✅ ТАО',
    ]);
    await o.press(p, '✅ Все районы'); // all off again, ЦАО included
    await o.press(p, '▫️ ЗАО');
    await o.press(p, '◀️ Назад');
    expect(o.buttons(p, districts.messageId)[0]).toBe('▫️ ЦАО');
    await o.press(p, '▫️ ЦАО');
    const skills = await o.press(p, '✅ Готово');
    expect(skills.message.text).toBe('🛠 Выберите ваши навыки (можно несколько) и нажмите «✅ Готово».');
    expect(o.buttons(p, skills.messageId)).toEqual([
      '▫️ ⚡ Электрика',
      '▫️ 🚰 Сантехника',
      '▫️ 🔌 Бытовая техника',
      '▫️ 🪟 Окна',
      '▫️ 🔧 Мелкий ремонт',
      '▫️ 🚗 Помощь на дороге',
      '✅ Готово',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    await o.press(p, '▫️ 🚰 Сантехника');
    await o.press(p, '▫️ ⚡ Электрика');
    const vehicle = await o.press(p, '✅ Готово');
    expect(vehicle.message.text).toBe('🚗 Есть ли у вас автомобиль?');
    expect((await o.press(p, '🚗 Есть авто')).message.text).toBe(
      '🚗 Введите госномер автомобиля, например А123ВС77.',
    );
    const payout = await o.send(p, 'a 123 bc 77');
    expect(payout.text).toBe('💳 Как вам удобнее получать выплаты?');
    expect(o.buttons(p, payout.message_id)).toEqual([
      '💳 Карта',
      '📱 СБП',
      '💰 ЮMoney',
      '🏦 Банковский счёт',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    expect((await o.press(p, '💳 Карта')).message.text).toBe('💳 Введите номер банковской карты (16 цифр).');
    expect((await o.send(p, '4111 1111 1111 1112')).text).toBe(
      '⚠️ Такого номера карты не существует: проверьте цифры и введите ещё раз.',
    );
    const referral = await o.send(p, '4111-1111-1111-1111');
    expect(referral.text).toBe(
      '🎁 Реферальный код\n\nЕсли вас пригласил другой мастер, введите его код — это даст бонусы вам обоим.\nЕсли кода нет, нажмите «⏭️ Пропустить».',
    );
    const summary = await o.send(p, 'refab234');
    const summaryText = [
      '📋 Проверьте анкету',
      '',
      '👤 ФИО: Иванов Иван Иванович',
      '📞 Телефон: +79991234567',
      '🏙 Город: Москва',
      '📍 Районы: ЦАО, ЗАО',
      '🛠 Навыки: ⚡ Электрика, 🚰 Сантехника',
      '🚗 Автомобиль: есть, А123ВС77',
      '💳 Выплаты: карта •••• 1111',
      '🎁 Реферальный код: REFAB234',
      '',
      'Всё верно? Нажмите «✅ Отправить», чтобы отправить анкету на модерацию.',
    ].join('\n');
    expect(summary.text).toBe(`✅ Код принят! Вас пригласил: Сергей Пригласил\n\n${summaryText}`);
    expect(o.buttons(p, summary.message_id)).toEqual([
      '✅ Отправить',
      '✏️ Изменить',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    expect(await mastersOf(p.tg_user_id)).toHaveLength(0); // nothing is stored before submission

    const sent = await o.press(p, '✅ Отправить');
    expect(sent.answer).toEqual({ text: 'Анкета отправлена на модерацию.' });
    expect(sent.message.text).toBe(
      '✅ Анкета отправлена на модерацию.\n\nМы сообщим, когда её проверят. Обычно это занимает не больше одного рабочего дня.',
    );
    expect(o.buttons(p, sent.messageId)).toEqual(['🏠 Меню']);
    expect(await storedForm(h, p)).toBeUndefined();

    const [m] = await mastersOf(p.tg_user_id);
    expect(m).toMatchObject({
      full_name: 'Иванов Иван Иванович',
      phone: '+79991234567',
      city_id: h.moscow.city.id,
      has_vehicle: true,
      vehicle_plate: 'А123ВС77',
      payout_method: 'card',
      payout_data: { card_number: '4111 1111 1111 1111' },
      moderation_status: 'pending',
      verified: false,
      shift_status: 'off',
      referred_by_master_id: referrer.id,
    });
    expect(m!.pdn_accepted_at).toBeInstanceOf(Date);
    expect(m!.referral_code).toMatch(/^[A-Z2-9]{8}$/);
    const districtRows = await h.tdb.db
      .selectFrom('master_districts')
      .select('district_id')
      .where('master_id', '=', m!.id)
      .orderBy('district_id')
      .execute();
    expect(districtRows.map((r) => r.district_id)).toEqual(
      [h.moscow.district('ЦАО').id, h.moscow.district('ЗАО').id].sort((a, b) => a - b),
    );
    const skillRows = await h.tdb.db
      .selectFrom('master_skills')
      .select('skill_code')
      .where('master_id', '=', m!.id)
      .orderBy('skill_code')
      .execute();
    expect(skillRows.map((r) => r.skill_code).sort()).toEqual(['electrics', 'plumbing']);
    expect(
      await h.tdb.db.selectFrom('referrals').select(['referrer_id']).where('master_id', '=', m!.id).execute(),
    ).toEqual([{ referrer_id: referrer.id }]);

    const staffRows = (await outboxOf('moderation_submitted')).filter(
      (r) => (r.payload as { master_id: number }).master_id === m!.id,
    );
    expect(staffRows.map((r) => r.staff_user_id).sort()).toEqual([cityAdmin.id, globalAdmin.id].sort());
    for (const r of staffRows) {
      expect(r).toMatchObject({
        bot: 'admin',
        master_id: null,
        payload: {
          master_id: m!.id,
          master_name: 'Иванов Иван Иванович',
          city: 'Москва',
          phone: '+79991234567',
          resubmitted: false,
        },
      });
      expect(r.dedup_key).toMatch(
        new RegExp(`^moderation_submitted:${m!.id}:[0-9a-f]{12}:s${r.staff_user_id}$`),
      );
    }
    expect(
      (await outboxOf('referral_registered')).filter((r) => r.dedup_key === `referral_registered:${m!.id}`),
    ).toEqual([
      {
        bot: 'master',
        staff_user_id: null,
        master_id: referrer.id,
        payload: { referred_name: 'Иванов Иван Иванович' },
        dedup_key: `referral_registered:${m!.id}`,
      },
    ]);

    const after = await o.start(p);
    expect(after.text).toContain('анкета на модерации');
    expect(after.reply_markup).toBeUndefined();
  });
});
