import { createCity, createMaster, getCity, type MasterFixture } from '@fs/testkit';
import { type BotHarness, startHarness } from './harness';
import {
  formWithoutStamp,
  newcomer,
  type OnboardingDriver,
  onboardingDriver,
  setDocumentsRequired,
  type WalkOptions,
  type WalkStep,
  walkTo,
} from './onboarding-driver';

let h: BotHarness;
let o: OnboardingDriver;
let spbDistrictId: number;
let closedCityId: number;

beforeAll(async () => {
  h = await startHarness();
  o = onboardingDriver(h);
  // Before the bot first reads settings: this file runs with passport and selfie required.
  await setDocumentsRequired(h, true);
  spbDistrictId = (await getCity(h.tdb.db, 'Санкт-Петербург')).district('Невский').id;
  closedCityId = (await createCity(h.tdb.db, { name: 'Закрытоград', isActive: false })).city.id;
});
afterAll(async () => {
  await h?.close();
});

const mastersOf = (p: MasterFixture) =>
  h.tdb.db.selectFrom('masters').select('id').where('tg_user_id', '=', p.tg_user_id).execute();

const CONSENT = [
  '👋 Здравствуйте! Это бот для мастеров Field Service.',
  '',
  'Согласие на обработку персональных данных',
  '',
  'Чтобы зарегистрироваться, разрешите Field Service обрабатывать ваши ФИО, телефон, город и районы работы, платёжные реквизиты и сведения о заказах — для заключения договора и организации работы.',
  '',
  'Согласие можно отозвать, написав в поддержку сервиса.',
].join('\n');
const USE_BUTTONS = '⚠️ Выберите вариант кнопками под сообщением.';
const CITY_PROMPT = '🏙 Напишите название вашего города или выберите его из списка:';
const CITY_NOT_FOUND = '⚠️ Город не найден. Попробуйте написать иначе или выберите из списка.';
const DISTRICTS_PROMPT =
  '📍 Москва: выберите районы, где готовы работать (можно несколько), и нажмите «✅ Готово».';
const SKILLS_PROMPT = '🛠 Выберите ваши навыки (можно несколько) и нажмите «✅ Готово».';
const NAME_ERROR =
  '⚠️ Введите 2–3 слова: фамилию, имя и, если есть, отчество. Только буквы и дефис, каждое слово от 2 до 30 букв.';
const PHONE_ERROR = '⚠️ Неверный формат телефона. Пример: +79991234567 или 89991234567.';
const PLATE_ERROR = '⚠️ Введите госномер: буквы и цифры, например А123ВС77.';
const CARD_ERROR = '⚠️ Номер карты — 16 цифр. Проверьте и введите ещё раз.';
const REFERRAL_FORMAT = '❌ Неверный формат кода: 6–12 латинских букв и цифр, например K7M2QX9P.';
const STALE_STEP = {
  text: 'Эта кнопка уже неактуальна: продолжайте анкету в последнем сообщении.',
  show_alert: true,
};
const STALE_BUTTON = { text: 'Кнопка устарела. Откройте меню: /start' };
const HUGE = 'я'.repeat(4000);

type Input =
  | { kind: 'text'; value: string }
  | { kind: 'sticker' }
  | { kind: 'photo' }
  | { kind: 'file'; name: string; mime: string }
  | { kind: 'callback'; data: string | (() => string) };
/** `again`: the hint above the step's own prompt, repeated as it was shown. */
type Case = { input: Input; reply?: string; again?: true; answer?: { text?: string; show_alert?: boolean } };

const text = (value: string, reply: string): Case => ({ input: { kind: 'text', value }, reply });
const sticker = (reply: string): Case => ({ input: { kind: 'sticker' }, reply });
const huge = (reply: string): Case => ({ input: { kind: 'text', value: HUGE }, reply });
const photo = (reply: string): Case => ({ input: { kind: 'photo' }, reply });
const file = (name: string, mime: string, reply: string): Case => ({
  input: { kind: 'file', name, mime },
  reply,
});
const forged = (data: string | (() => string), answer: Case['answer']): Case => ({
  input: { kind: 'callback', data },
  answer,
});

async function apply(p: MasterFixture, input: Input) {
  switch (input.kind) {
    case 'text':
      return { message: await o.send(p, input.value) };
    case 'sticker':
      return { message: await o.sticker(p) };
    case 'photo':
      return { message: await o.sendPhoto(p) };
    case 'file':
      await h.fake.userSendsDocument(
        h.token,
        { id: p.tg_user_id, first_name: 'Мастер' },
        { fileName: input.name, mimeType: input.mime },
      );
      await h.mb.running.idle();
      return { message: o.lastBotMessage(p) };
    case 'callback':
      return o.forge(p, typeof input.data === 'function' ? input.data() : input.data);
  }
}

const TABLE: [WalkStep, WalkOptions, Case[]][] = [
  [
    'consent',
    {},
    [
      text('да', `${USE_BUTTONS}\n\n${CONSENT}`),
      sticker(`${USE_BUTTONS}\n\n${CONSENT}`),
      huge(`${USE_BUTTONS}\n\n${CONSENT}`),
      forged('m:gv:yes', STALE_STEP),
      forged('m:gc:abc', STALE_BUTTON),
    ],
  ],
  [
    'name',
    {},
    [
      text('Иван', NAME_ERROR),
      text('Иванов Иван2', NAME_ERROR),
      text('<b>Иванов</b> Иван', NAME_ERROR),
      sticker(NAME_ERROR),
      photo(NAME_ERROR),
      huge(NAME_ERROR),
      forged('m:gc:1', STALE_STEP),
    ],
  ],
  [
    'phone',
    {},
    [
      text('12345', PHONE_ERROR),
      text('+1 202 555 0100', PHONE_ERROR),
      sticker(PHONE_ERROR),
      huge(PHONE_ERROR),
      forged('m:gsok', STALE_STEP),
    ],
  ],
  [
    'city',
    {},
    [
      text('Атлантида', `${CITY_NOT_FOUND}\n\n${CITY_PROMPT}`),
      text('Закрытоград', `${CITY_NOT_FOUND}\n\n${CITY_PROMPT}`),
      sticker(`${USE_BUTTONS}\n\n${CITY_PROMPT}`),
      huge(`${CITY_NOT_FOUND}\n\n${CITY_PROMPT}`),
      forged('m:gc:999999', { text: 'Этого города нет в списке. Выберите город снова.', show_alert: true }),
      forged(() => `m:gc:${closedCityId}`, {
        text: 'Этого города нет в списке. Выберите город снова.',
        show_alert: true,
      }),
      forged('m:gdok', STALE_STEP),
    ],
  ],
  [
    'districts',
    {},
    [
      text('ЦАО', `${USE_BUTTONS}\n\n${DISTRICTS_PROMPT}`),
      sticker(`${USE_BUTTONS}\n\n${DISTRICTS_PROMPT}`),
      huge(`${USE_BUTTONS}\n\n${DISTRICTS_PROMPT}`),
      forged(() => `m:gd:${spbDistrictId}:0`, {
        text: 'Этого района нет в выбранном городе. Выберите из списка.',
        show_alert: true,
      }),
      forged('m:gd:999999:0', {
        text: 'Этого района нет в выбранном городе. Выберите из списка.',
        show_alert: true,
      }),
      forged('m:gdok', { text: 'Выберите хотя бы один район.', show_alert: true }),
      forged(() => `m:gc:${h.moscow.city.id}`, STALE_STEP),
    ],
  ],
  [
    'skills',
    {},
    [
      text('электрика', `${USE_BUTTONS}\n\n${SKILLS_PROMPT}`),
      sticker(`${USE_BUTTONS}\n\n${SKILLS_PROMPT}`),
      forged('m:gsok', { text: 'Выберите хотя бы один навык.', show_alert: true }),
      forged('m:gs:plumber', STALE_BUTTON),
      forged('m:gv:no', STALE_STEP),
    ],
  ],
  [
    'vehicle',
    {},
    [
      text('да', `${USE_BUTTONS}\n\n🚗 Есть ли у вас автомобиль?`),
      sticker(`${USE_BUTTONS}\n\n🚗 Есть ли у вас автомобиль?`),
      forged('m:gv:maybe', STALE_BUTTON),
      forged('m:gp:card', STALE_STEP),
    ],
  ],
  [
    'plate',
    {},
    [
      text('!!!', PLATE_ERROR),
      text('АААА', PLATE_ERROR),
      sticker(PLATE_ERROR),
      huge(PLATE_ERROR),
      forged('m:gv:no', STALE_STEP),
    ],
  ],
  [
    'payout',
    {},
    [
      text('карта', `${USE_BUTTONS}\n\n💳 Как вам удобнее получать выплаты?`),
      sticker(`${USE_BUTTONS}\n\n💳 Как вам удобнее получать выплаты?`),
      forged('m:gp:cash', STALE_BUTTON),
      forged('m:gb:3', STALE_STEP),
    ],
  ],
  [
    'requisites',
    { payout: 'card' },
    [
      text('1234', CARD_ERROR),
      text('4111 1111 1111 1112', '⚠️ Такого номера карты не существует: проверьте цифры и введите ещё раз.'),
      text('4111 1111 1111 111x', CARD_ERROR),
      sticker(CARD_ERROR),
      huge(CARD_ERROR),
      forged('m:gok', STALE_STEP),
    ],
  ],
  [
    'requisites',
    { payout: 'sbp' },
    [text('123', PHONE_ERROR), sticker(PHONE_ERROR), huge(PHONE_ERROR), forged('m:gb:0', STALE_STEP)],
  ],
  [
    'sbp_bank',
    { payout: 'sbp' },
    [
      text('Сбер', `${USE_BUTTONS}\n\n🏦 Выберите банк, в котором подключён СБП:`),
      sticker(`${USE_BUTTONS}\n\n🏦 Выберите банк, в котором подключён СБП:`),
      forged('m:gb:15', STALE_BUTTON),
      forged('m:gp:sbp', STALE_STEP),
    ],
  ],
  [
    'passport',
    {},
    [
      text('паспорт', '⚠️ Нужно фото или PDF-файл паспорта.'),
      sticker('⚠️ Нужно фото или PDF-файл паспорта.'),
      file('scan.zip', 'application/zip', '⚠️ Нужно фото или PDF-файл паспорта.'),
      forged('m:gr:no', STALE_STEP),
    ],
  ],
  [
    'selfie',
    {},
    [
      text('селфи', '⚠️ Нужна фотография (селфи с паспортом).'),
      file('selfie.pdf', 'application/pdf', '⚠️ Нужна фотография (селфи с паспортом).'),
      sticker('⚠️ Нужна фотография (селфи с паспортом).'),
      forged('m:gr:no', STALE_STEP),
    ],
  ],
  [
    'referral',
    {},
    [
      text('abc', REFERRAL_FORMAT),
      text('ZZZZZZ22', '❌ Код не найден. Проверьте его или нажмите «⏭️ Пропустить».'),
      sticker(REFERRAL_FORMAT),
      huge(REFERRAL_FORMAT),
      forged('m:gok', STALE_STEP),
    ],
  ],
  [
    'summary',
    {},
    [
      { input: { kind: 'text', value: 'отправить' }, again: true },
      { input: { kind: 'sticker' }, again: true },
      forged('m:gef:name', STALE_STEP),
      forged('m:gok:1', STALE_BUTTON),
    ],
  ],
  [
    'edit',
    {},
    [
      text('телефон', `${USE_BUTTONS}\n\n✏️ Что изменить?`),
      sticker(`${USE_BUTTONS}\n\n✏️ Что изменить?`),
      forged('m:gok', STALE_STEP),
      forged('m:gef:everything', STALE_BUTTON),
    ],
  ],
];

describe('onboarding: bad input at every step changes nothing', () => {
  it.each(
    TABLE.map(
      ([step, opts, cases]) =>
        [`${step}${opts.payout ? ` (${opts.payout})` : ''}`, step, opts, cases] as const,
    ),
  )('%s', async (_label, step, opts, cases) => {
    const p = newcomer();
    await walkTo(o, p, step, { documents: true, ...opts });
    const form = await formWithoutStamp(h, p);
    const prompt = o.lastBotMessage(p);
    expect(form).toMatchObject({ step: step === 'consent' ? 'consent' : step });
    for (const c of cases) {
      const result = await apply(p, c.input);
      if (c.answer) {
        expect(result).toMatchObject({ answer: c.answer });
      } else {
        const reply = (result as { message: { text?: string } }).message.text;
        // `again` (the summary): its full text is checked in onboarding.test.ts.
        expect(reply).toBe(c.again ? `${USE_BUTTONS}\n\n${prompt.text}` : c.reply);
      }
      expect(await formWithoutStamp(h, p)).toEqual(form);
    }
    expect(await mastersOf(p)).toHaveLength(0);
  });

  it('documents: a PDF passport and a selfie photo are stored with the profile', async () => {
    const p = newcomer();
    await walkTo(o, p, 'passport', { documents: true });
    await h.fake.userSendsDocument(
      h.token,
      { id: p.tg_user_id, first_name: 'Мастер' },
      { fileName: 'passport.pdf' },
    );
    await h.mb.running.idle();
    expect(o.lastBotMessage(p).text).toBe(
      '🤳 Теперь отправьте селфи с паспортом в руке (фото, лицо должно быть видно).',
    );
    await o.sendPhoto(p);
    const summary = await o.press(p, '⏭️ Пропустить');
    expect(summary.message.text).toContain('📄 Документы: паспорт ✅, селфи ✅');
    await o.press(p, '✏️ Изменить');
    expect(o.buttons(p, summary.messageId)).toContain('📄 Документы');
    await o.press(p, '⬅️ Назад');
    await o.press(p, '✅ Отправить');
    const [m] = await mastersOf(p);
    const docs = await h.tdb.db
      .selectFrom('attachments')
      .select(['document_kind', 'file_type', 'mime_type', 'uploaded_by_master_id'])
      .where('entity_type', '=', 'master')
      .where('entity_id', '=', m!.id)
      .orderBy('document_kind')
      .execute();
    expect(docs).toEqual([
      {
        document_kind: 'passport',
        file_type: 'document',
        mime_type: 'application/pdf',
        uploaded_by_master_id: m!.id,
      },
      { document_kind: 'selfie', file_type: 'photo', mime_type: null, uploaded_by_master_id: m!.id },
    ]);
  });

  it('approved, blocked and pending masters cannot (re)open the form', async () => {
    const approved = await createMaster(h.tdb.db);
    expect(
      await o.tap(approved, (await o.menu(approved)).message_id, { data: 'm:g', unchecked: true }),
    ).toMatchObject({
      text: 'Вы уже зарегистрированы.',
      show_alert: true,
    });
    const pending = await createMaster(h.tdb.db, { approved: false });
    const menu = await o.menu(pending);
    expect(await o.tap(pending, menu.message_id, { data: 'm:gpdn:yes', unchecked: true })).toMatchObject({
      text: 'Анкета уже на модерации. Дождитесь проверки.',
      show_alert: true,
    });
    const blocked = await createMaster(h.tdb.db, {
      approved: false,
      isBlocked: true,
      overrides: { moderation_status: 'rejected' },
    });
    expect(
      await o.tap(blocked, (await o.menu(blocked)).message_id, { data: 'm:g', unchecked: true }),
    ).toMatchObject({
      text: 'Аккаунт заблокирован: анкету сейчас изменить нельзя.',
      show_alert: true,
    });
    const rows = await h.tdb.db
      .selectFrom('masters')
      .select(['moderation_status', 'version'])
      .where('id', 'in', [approved.id, pending.id, blocked.id])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { moderation_status: 'approved', version: 1 },
      { moderation_status: 'pending', version: 1 },
      { moderation_status: 'rejected', version: 1 },
    ]);
  });

  it('a city closed while the form was open: submit refuses, reopens the city step, stores nothing', async () => {
    const temp = await createCity(h.tdb.db, { name: 'Временноград', districts: ['Центральный'] });
    const p = newcomer();
    await walkTo(o, p, 'summary', { documents: true });
    await o.press(p, '✏️ Изменить');
    await o.press(p, '🏙 Город');
    await o.send(p, 'Временноград');
    await o.press(p, '▫️ Центральный');
    expect((await o.press(p, '✅ Готово')).message.text).toContain('🏙 Город: Временноград');
    await h.tdb.db.updateTable('cities').set({ is_active: false }).where('id', '=', temp.city.id).execute();
    const refused = await o.press(p, '✅ Отправить');
    expect(refused.answer).toEqual({
      text: 'Данные анкеты устарели: проверьте этот шаг ещё раз.',
      show_alert: true,
    });
    expect(refused.message.text).toBe('🏙 Напишите название вашего города или выберите его из списка:');
    expect(await formWithoutStamp(h, p)).toMatchObject({ step: 'city', editing: 'city', districtIds: [] });
    expect(await mastersOf(p)).toHaveLength(0);
    // Choosing another city returns to the summary (the rest of the form is kept).
    await o.send(p, 'Москва');
    await o.press(p, '▫️ САО');
    const summary = await o.press(p, '✅ Готово');
    expect(summary.message.text).toContain('🏙 Город: Москва\n📍 Районы: САО');
    await o.press(p, '✅ Отправить');
    expect(await mastersOf(p)).toHaveLength(1);
  });
});
