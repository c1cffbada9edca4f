import { encode } from '../src/callbacks';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
});
afterAll(() => h?.close());

describe('admin main menu', () => {
  it('shows each role only its sections', async () => {
    const global = await h.staff('global_admin');
    const cityAdmin = await h.staff('city_admin');
    const logist = await h.staff('logist');
    expect(d.buttons(global, (await d.menu(global)).message_id)).toEqual([
      '📦 Заявки',
      '➕ Новый заказ',
      '👷 Мастера',
      '🛠 Модерация',
      '💰 Финансы',
      '📊 Отчёты',
      '⚙️ Настройки',
      '👤 Персонал и доступ',
      '🧾 Логи',
    ]);
    expect(d.buttons(cityAdmin, (await d.menu(cityAdmin)).message_id)).toEqual([
      '📦 Заявки',
      '➕ Новый заказ',
      '👷 Мастера',
      '🛠 Модерация',
      '💰 Финансы',
      '📊 Отчёты',
    ]);
    // Logists see 📊 Отчёты for their cities' KPIs only (issue 17).
    expect(d.buttons(logist, (await d.menu(logist)).message_id)).toEqual([
      '📦 Заявки',
      '➕ Новый заказ',
      '👷 Мастера',
      '📊 Отчёты',
    ]);
  });

  it('refuses a forged callback for a section the role lacks', async () => {
    const logist = await h.staff('logist');
    const menu = await d.menu(logist);
    for (const name of ['settingsMenu', 'staffMenu', 'financeMenu', 'logsMenu', 'moderationMenu'] as const) {
      const answer = await d.tap(logist, menu.message_id, { data: encode(name, {}), unchecked: true });
      expect(answer).toEqual(expect.objectContaining({ text: '⛔️ Этот раздел недоступен для вашей роли.' }));
    }
  });

  it('answers unknown people and deactivated staff without running any handler', async () => {
    const gone = await h.staff('logist');
    await h.tdb.db.updateTable('staff_users').set({ is_active: false }).where('id', '=', gone.id).execute();
    const reply = await d.send(gone, '/start');
    expect(reply.text).toContain('доступ к боту отключён');
  });

  it('hints on unexpected input and /cancel with nothing open', async () => {
    const logist = await h.staff('logist');
    expect(
      (
        await d.sendRaw(logist, {
          sticker: {
            file_id: 'x',
            file_unique_id: 'y',
            width: 1,
            height: 1,
            is_animated: false,
            is_video: false,
            type: 'regular',
          },
        })
      ).text,
    ).toBe('Не понял сообщение. Пользуйтесь кнопками меню или нажмите /start.');
    await d.send(logist, '/cancel');
    const sent = d.sentSince(logist, d.sentCount(logist) - 2).map((m) => m.text);
    expect(sent[0]).toBe('Нечего отменять.');
    expect(sent[1]).toContain('Главное меню');
  });
});
