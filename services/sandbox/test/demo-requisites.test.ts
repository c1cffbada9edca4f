/**
 * The demo seed gives the sandbox owner's payment requisites, so a demo master who pays a
 * commission reads where to pay (through the real master bot and the fake Telegram), not
 * "уточните в поддержке". The values are in the shape the admin bot stores, and requisites a
 * visitor edited survive a re-seed. The reference seed (production) leaves them empty.
 */
import { parseRequisiteInput, REQUISITE_FIELDS, type RequisiteField } from '@fs/dispatch';
import { DEMO_MASTERS, DEMO_OWNER_REQUISITES, seedDemo } from '../../../packages/db/src/seed/demo';
import { type BotHarness, startHarness } from '../../master-bot/test/harness';

let h: BotHarness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const requisites = async () =>
  (await h.tdb.db.selectFrom('owner_requisites').select('data').where('id', '=', 1).executeTakeFirstOrThrow())
    .data;

it('a demo master opens «💳 Реквизиты для оплаты» and reads the demo requisites', async () => {
  // The reference seed alone (what production runs) sets none.
  expect(await requisites()).toEqual({});
  await seedDemo(h.tdb.db);
  expect(await requisites()).toEqual(DEMO_OWNER_REQUISITES);

  const ivan = DEMO_MASTERS[0]!;
  const user = { id: ivan.tgUserId, first_name: 'Иван', last_name: 'Петров' };
  await h.fake.userSendsText(h.token, user, '/start');
  await h.mb.running.idle();
  const menu = h.fake.chat(h.token, ivan.tgUserId).at(-1)!;
  await h.fake.userPressesButton(h.token, user, {
    messageId: menu.message_id,
    text: '💳 Реквизиты для оплаты',
  });
  await h.mb.running.idle();
  const text = h.fake.message(h.token, ivan.tgUserId, menu.message_id)!.text!;
  expect(text).toContain('💳 Реквизиты для оплаты комиссии');
  expect(text).not.toContain('уточните в поддержке');
  expect(text).toContain(`💳 Карта: ${DEMO_OWNER_REQUISITES.card_number}`);
  expect(text).toContain(`👤 Получатель: ${DEMO_OWNER_REQUISITES.card_holder}`);
  expect(text).toContain(`📱 СБП: ${DEMO_OWNER_REQUISITES.sbp_phone}`);
});

it('the demo values are what the admin bot would store for them', () => {
  for (const [field, value] of Object.entries(DEMO_OWNER_REQUISITES)) {
    expect(REQUISITE_FIELDS).toContain(field);
    expect([field, parseRequisiteInput(field as RequisiteField, value)]).toEqual([
      field,
      { ok: true, value },
    ]);
  }
});

it('requisites a visitor edited are kept by a re-seed', async () => {
  const edited = { sbp_phone: '+79991112233', sbp_bank: 'ВТБ' };
  await h.tdb.db
    .updateTable('owner_requisites')
    .set({ data: JSON.stringify(edited) })
    .where('id', '=', 1)
    .execute();
  await seedDemo(h.tdb.db);
  expect(await requisites()).toEqual(edited);
});
