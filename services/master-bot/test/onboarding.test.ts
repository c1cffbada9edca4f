import { createMaster, createStaff, getCity, type StaffFixture } from '@fs/testkit';
import { type BotHarness, startHarness } from './harness';
import {
  ageForm,
  newcomer,
  type OnboardingDriver,
  onboardingDriver,
  restartBot,
  stopRestartedBots,
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
  await stopRestartedBots();
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
    .select(['bot', 'staff_user_id', 'master_id', 'payload', 'dedup_key', 'enqueued_at'])
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
    const base = await o.send(p, 'a 123 bc 77');
    expect(base.text).toContain('📍 Откуда вы обычно выезжаете на заказы?');
    expect(base.text).toContain('другие мастера — никогда');
    expect(o.buttons(p, base.message_id)).toEqual(['⏭️ Пропустить', '⬅️ Назад', '❌ Отменить']);
    expect((await o.send(p, 'Тверская 7')).text).toContain('⚠️ Нужна геопозиция');
    expect((await o.sendLocation(p, 55.8, 37.5, 900)).reply.text).toContain('⚠️ Нужна геопозиция');
    const payout = (await o.sendLocation(p, 55.76, 37.61)).reply;
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
      '📍 Базовая точка: указана',
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
      base_lat: 55.76,
      base_lon: 37.61,
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
      expect(r.enqueued_at).toBeInstanceOf(Date); // handed to the sender's queue after commit
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
        enqueued_at: expect.any(Date),
      },
    ]);

    const after = await o.start(p);
    expect(after.text).toContain('анкета на модерации');
    expect(after.reply_markup).toBeUndefined();
  });

  it('a deep link pre-fills the referral code; an unknown code is refused at the referral step', async () => {
    const referrer = await createMaster(h.tdb.db, {
      fullName: 'Анна Ссылка',
      overrides: { referral_code: 'LINKCD23' },
    });
    const p = newcomer();
    await walkTo(o, p, 'referral', { payload: 'ref_linkcd23' });
    expect(await storedForm(h, p)).toMatchObject({ step: 'referral', referralCode: 'LINKCD23' });
    const prompt = o.lastBotMessage(p);
    expect(prompt.text).toBe(
      '🎁 Реферальный код\n\nКод из приглашения: LINKCD23.\nПродолжите с ним, введите другой код или нажмите «⏭️ Без кода».',
    );
    expect(o.buttons(p, prompt.message_id)).toEqual([
      '✅ Продолжить с кодом LINKCD23',
      '⏭️ Без кода',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    const kept = await o.press(p, '✅ Продолжить с кодом LINKCD23');
    expect(kept.message.text).toMatch(/^✅ Код принят! Вас пригласил: Анна Ссылка\n\n📋 Проверьте анкету\n/);
    expect(kept.message.text).toContain('🎁 Реферальный код: LINKCD23');
    await o.press(p, '✅ Отправить');
    const [m] = await mastersOf(p.tg_user_id);
    expect(m!.referred_by_master_id).toBe(referrer.id);

    // A code that belongs to nobody: refused when kept, the step is shown without it.
    const q = newcomer();
    await walkTo(o, q, 'referral', { payload: 'ref_NOBODY22' });
    const refused = await o.press(q, '✅ Продолжить с кодом NOBODY22');
    expect(refused.answer).toEqual({
      text: '❌ Код не найден. Проверьте его или нажмите «⏭️ Пропустить».',
      show_alert: true,
    });
    expect(o.buttons(q, refused.messageId)).toEqual(['⏭️ Пропустить', '⬅️ Назад', '❌ Отменить']);
    expect(await storedForm(h, q)).not.toHaveProperty('referralCode');
    // A malformed deep link is ignored: the form starts without a code.
    const r = newcomer();
    await o.start(r, 'ref_x');
    expect(await storedForm(h, r)).toMatchObject({ step: 'consent' });
    expect(await storedForm(h, r)).not.toHaveProperty('referralCode');
  });

  it('declining the consent ends politely; nothing is stored', async () => {
    const p = newcomer();
    await o.start(p);
    const declined = await o.press(p, '❌ Не согласен');
    expect(declined.message.text).toBe(
      'Вы отказались от обработки персональных данных. Без согласия мы не можем продолжить регистрацию.\n\nЕсли передумаете, нажмите /start.',
    );
    expect(o.buttons(p, declined.messageId)).toEqual([]);
    expect(await storedForm(h, p)).toBeUndefined();
    expect(await mastersOf(p.tg_user_id)).toHaveLength(0);
    expect((await o.start(p)).text).toBe(CONSENT);
  });

  it('/start twice and a double submit give one master and one notice per staff member', async () => {
    const p = newcomer();
    expect((await o.start(p)).text).toBe(CONSENT);
    expect((await o.start(p)).text).toBe(CONSENT);
    expect(await mastersOf(p.tg_user_id)).toHaveLength(0);

    await walkTo(o, p, 'summary');
    const summaryId = o.newestWith(p, '✅ Отправить');
    // Two taps at once (the second before the first is answered).
    const user = { id: p.tg_user_id, first_name: 'Мастер' };
    const taps = await Promise.all([
      h.fake.userPressesButton(h.token, user, { messageId: summaryId, text: '✅ Отправить' }),
      h.fake.userPressesButton(h.token, user, { messageId: summaryId, text: '✅ Отправить' }),
    ]);
    await h.mb.running.idle();
    for (const t of taps) {
      expect(
        h.fake
          .callsOf('answerCallbackQuery', h.token)
          .filter((c) => c.params.callback_query_id === t.callbackQueryId),
      ).toHaveLength(1);
    }
    const masters = await mastersOf(p.tg_user_id);
    expect(masters).toHaveLength(1);
    const notices = (await outboxOf('moderation_submitted')).filter(
      (r) => (r.payload as { master_id: number }).master_id === masters[0]!.id,
    );
    expect(notices.map((r) => r.staff_user_id).sort()).toEqual([cityAdmin.id, globalAdmin.id].sort());

    // A third tap later: the form is gone (sent, not expired).
    expect(await o.tap(p, summaryId, { data: 'm:gok', unchecked: true })).toMatchObject({
      text: 'Это действие уже неактуально. Открыть меню: /start',
      show_alert: true,
    });
    expect((await o.start(p)).text).toContain('анкета на модерации');
    expect(await mastersOf(p.tg_user_id)).toHaveLength(1);
  });

  it('rejected: the reason and ✏️ Исправить анкету; the pre-filled form is edited and sent again', async () => {
    const spb = await getCity(h.tdb.db, 'Санкт-Петербург');
    const spbAdmin = await createStaff(h.tdb.db, { role: 'city_admin', cityIds: [spb.city.id] });
    const p = newcomer();
    await walkTo(o, p, 'summary', { payout: 'sbp' });
    await o.press(p, '✅ Отправить');
    const [before] = await mastersOf(p.tg_user_id);
    await h.tdb.db
      .updateTable('masters')
      .set({ moderation_status: 'rejected', moderation_reason: 'Телефон <не отвечает>' })
      .where('id', '=', before!.id)
      .execute();

    const start = await o.start(p);
    expect(start.text).toBe(
      '👋 Здравствуйте, Петров Пётр!\n\n❌ Анкета отклонена.\nПричина: Телефон <не отвечает>\n\nИсправьте анкету и отправьте её снова: нажмите «✏️ Исправить анкету».',
    );
    expect(o.buttons(p, start.message_id)).toEqual(['✏️ Исправить анкету']);
    const fix = await o.press(p, '✏️ Исправить анкету');
    expect(fix.message.text).toBe(
      [
        '📋 Проверьте анкету',
        '',
        '👤 ФИО: Петров Пётр',
        '📞 Телефон: +79990001122',
        '🏙 Город: Москва',
        '📍 Районы: ЦАО',
        '🛠 Навыки: ⚡ Электрика',
        '🚗 Автомобиль: есть, А123ВС77',
        '📍 Базовая точка: не указана',
        '💳 Выплаты: СБП +79990001122, Сбер',
        '🎁 Реферальный код: нет',
        '',
        'Всё верно? Нажмите «✅ Отправить», чтобы отправить анкету на модерацию.',
      ].join('\n'),
    );
    const edit = await o.press(p, '✏️ Изменить');
    expect(edit.message.text).toBe('✏️ Что изменить?');
    expect(o.buttons(p, edit.messageId)).toEqual([
      '👤 ФИО',
      '📞 Телефон',
      '🏙 Город',
      '📍 Районы',
      '🛠 Навыки',
      '🚗 Автомобиль',
      '📍 Базовая точка',
      '💳 Выплаты',
      '🎁 Реферальный код',
      '⬅️ Назад',
      '❌ Отменить',
    ]);
    await o.press(p, '📞 Телефон');
    const back = await o.send(p, '+7 999 555 44 33');
    expect(back.text).toContain('📞 Телефон: +79995554433');
    expect(back.text).toMatch(/^📋 Проверьте анкету/);
    // City and districts: the section walks both steps, then returns to the summary.
    await o.press(p, '✏️ Изменить');
    await o.press(p, '🏙 Город');
    const spbDistricts = await o.send(p, 'санкт-петербург');
    expect(spbDistricts.text).toMatch(/^📍 Санкт-Петербург: выберите районы/);
    await o.press(p, '▫️ Адмиралтейский');
    const summary = await o.press(p, '✅ Готово');
    expect(summary.message.text).toContain('🏙 Город: Санкт-Петербург\n📍 Районы: Адмиралтейский');
    // ⬅️ Назад inside an edited section goes back to the summary.
    await o.press(p, '✏️ Изменить');
    expect((await o.press(p, '👤 ФИО')).message.text).toMatch(/^👤 Введите фамилию/);
    expect((await o.press(p, '⬅️ Назад')).message.text).toMatch(/^📋 Проверьте анкету/);

    const sent = await o.press(p, '✅ Отправить');
    expect(sent.message.text).toBe(
      '✅ Исправленная анкета отправлена на модерацию.\n\nМы сообщим, когда её проверят.',
    );
    const masters = await mastersOf(p.tg_user_id);
    expect(masters).toHaveLength(1);
    expect(masters[0]).toMatchObject({
      id: before!.id,
      phone: '+79995554433',
      city_id: spb.city.id,
      moderation_status: 'pending',
      moderation_reason: null,
      payout_method: 'sbp',
      payout_data: { sbp_phone: '+79990001122', sbp_bank: 'Сбер' },
      version: before!.version + 1,
    });
    const districts = await h.tdb.db
      .selectFrom('master_districts')
      .select('district_id')
      .where('master_id', '=', before!.id)
      .execute();
    expect(districts).toEqual([{ district_id: spb.district('Адмиралтейский').id }]);
    const notices = (await outboxOf('moderation_submitted')).filter(
      (r) => (r.payload as { master_id: number }).master_id === before!.id,
    );
    // First submission (Moscow): the Moscow admin and the global admin; the fix (SPb): the SPb
    // admins (the one of beforeAll and this one) and the global admin, marked resubmitted.
    const resubmitted = notices.filter((r) => (r.payload as { resubmitted: boolean }).resubmitted);
    expect(resubmitted.map((r) => r.staff_user_id).sort()).toEqual(
      expect.arrayContaining([spbAdmin.id, globalAdmin.id]),
    );
    expect(resubmitted.map((r) => r.staff_user_id)).not.toContain(cityAdmin.id);
    expect(
      notices
        .filter((r) => !(r.payload as { resubmitted: boolean }).resubmitted)
        .map((r) => r.staff_user_id)
        .sort(),
    ).toEqual([cityAdmin.id, globalAdmin.id].sort());
    expect((await o.start(p)).text).toContain('анкета на модерации');
  });

  it('⬅️ Назад walks back; ❌ Отменить and /cancel leave the form', async () => {
    const p = newcomer();
    await walkTo(o, p, 'city');
    expect((await o.press(p, '⬅️ Назад')).message.text).toBe(
      '📞 Введите номер телефона в формате +7XXXXXXXXXX или 8XXXXXXXXXX.',
    );
    expect((await o.press(p, '⬅️ Назад')).message.text).toMatch(/^👤 Введите фамилию/);
    expect((await o.press(p, '⬅️ Назад')).message.text).toBe(CONSENT);
    expect(await storedForm(h, p)).toMatchObject({ step: 'consent', fullName: 'Петров Пётр' });
    expect((await o.press(p, '✅ Согласен')).message.text).toMatch(/^👤 Введите фамилию/);

    const cancel = await o.press(p, '❌ Отменить');
    expect(cancel.answer).toEqual({ text: '❌ Действие отменено.' });
    expect(cancel.message.text).toBe('❌ Регистрация отменена. Чтобы начать заново, нажмите /start.');
    expect(await storedForm(h, p)).toBeUndefined();

    await walkTo(o, p, 'phone');
    await o.send(p, '/cancel');
    const chat = h.fake.chat(h.token, p.tg_user_id).filter((m) => m.from?.id !== p.tg_user_id);
    expect(chat.slice(-2).map((m) => m.text)).toEqual(['❌ Действие отменено.', CONSENT]);
    expect(await storedForm(h, p)).toBeUndefined();
    expect(await mastersOf(p.tg_user_id)).toHaveLength(0);
  });

  it('the phone step offers Telegram’s share-contact button; typing still works', async () => {
    const p = newcomer();
    await walkTo(o, p, 'phone');
    expect(o.lastBotMessage(p).text).toBe(
      '📞 Введите номер телефона в формате +7XXXXXXXXXX или 8XXXXXXXXXX.',
    );
    expect(h.fake.replyKeyboard(h.token, p.tg_user_id)?.keyboard).toEqual([
      [{ text: '📱 Отправить мой номер', request_contact: true }],
    ]);
    // Someone else's contact is refused; the person's own is taken and the keyboard goes away.
    await h.fake.userSendsContact(
      h.token,
      { id: p.tg_user_id, first_name: 'П' },
      {
        phoneNumber: '79990009999',
        userId: p.tg_user_id + 1,
      },
    );
    await h.mb.running.idle();
    expect(o.lastBotMessage(p).text).toBe(
      '⚠️ Нужен ваш собственный номер: нажмите «📱 Отправить мой номер» или введите его.',
    );
    const before = h.fake.sentMessages(h.token, p.tg_user_id).length;
    await h.fake.userSendsContact(
      h.token,
      { id: p.tg_user_id, first_name: 'П' },
      { phoneNumber: '79995554433' },
    );
    await h.mb.running.idle();
    expect(
      h.fake
        .sentMessages(h.token, p.tg_user_id)
        .slice(before)
        .map((m) => m.text),
    ).toEqual([
      '✅ Телефон: +7 999 555-44-33',
      '🏙 Напишите название вашего города или выберите его из списка:',
    ]);
    expect(h.fake.replyKeyboard(h.token, p.tg_user_id)).toBeNull();
    expect(await storedForm(h, p)).toMatchObject({ phone: '+79995554433', step: 'city' });

    // Typing stays possible (the walk types it).
    const q = newcomer();
    await walkTo(o, q, 'city');
    expect(await storedForm(h, q)).toMatchObject({ phone: '+79990001122' });
    expect(h.fake.replyKeyboard(h.token, q.tg_user_id)).toBeNull();
  });

  it('/start in the middle of the form offers to continue it or start over; the draft survives a restart', async () => {
    const p = newcomer();
    await walkTo(o, p, 'city');
    const pending = await o.start(p);
    expect(pending.text).toBe('📝 Вы не закончили анкету. Продолжить с того же места или начать заново?');
    expect(o.buttons(p, pending.message_id)).toEqual(['▶️ Продолжить анкету', '🔄 Начать заново']);
    await restartBot(h);
    o = onboardingDriver(h);
    const resumed = await o.press(p, '▶️ Продолжить анкету');
    expect(resumed.message.text).toBe('🏙 Напишите название вашего города или выберите его из списка:');
    expect(await storedForm(h, p)).toMatchObject({
      step: 'city',
      fullName: 'Петров Пётр',
      phone: '+79990001122',
    });
    expect((await o.send(p, 'Москва')).text).toContain('Москва');

    await o.start(p);
    const over = await o.press(p, '🔄 Начать заново');
    expect(over.message.text).toBe(CONSENT);
    const fresh = await storedForm(h, p);
    expect(fresh).toMatchObject({ step: 'consent' });
    expect(fresh).not.toHaveProperty('fullName');
  });

  it('an idle form expires politely', async () => {
    const p = newcomer();
    await walkTo(o, p, 'phone');
    const prompt = o.lastBotMessage(p);
    await ageForm(h, p, 60);
    expect((await o.send(p, '+79991112233')).text).toBe('Сессия истекла. Нажмите /start');
    expect(await storedForm(h, p)).toBeUndefined();
    expect(await o.tap(p, prompt.message_id, { text: '⬅️ Назад' })).toMatchObject({
      text: 'Сессия истекла. Нажмите /start',
      show_alert: true,
    });
    expect(await mastersOf(p.tg_user_id)).toHaveLength(0);
  });

  // Last: replaces the harness's bot.
  it('a half-filled form survives a restart of the bot (state in Redis)', async () => {
    const p = newcomer();
    await walkTo(o, p, 'skills');
    const before = await storedForm(h, p);
    await restartBot(h);
    o = onboardingDriver(h);
    expect(await storedForm(h, p)).toEqual(before);
    await o.press(p, '▫️ 🔧 Мелкий ремонт');
    await o.press(p, '✅ Готово');
    await o.press(p, '🚶 Нет авто');
    await o.press(p, '⏭️ Пропустить'); // no base point
    await o.press(p, '💰 ЮMoney');
    await o.send(p, '410011234567');
    const summary = await o.press(p, '⏭️ Пропустить');
    expect(summary.message.text).toContain('💳 Выплаты: ЮMoney 410011234567');
    await o.press(p, '✅ Отправить');
    const [m] = await mastersOf(p.tg_user_id);
    expect(m).toMatchObject({
      full_name: 'Петров Пётр',
      has_vehicle: false,
      vehicle_plate: null,
      payout_method: 'yoomoney',
      payout_data: { account: '410011234567' },
      moderation_status: 'pending',
    });
  });
});
