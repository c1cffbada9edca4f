import { getCity } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { texts } from '../src/texts';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;
const L = texts.ops.logs;

beforeAll(async () => {
  h = await startAdminHarness();
  d = adminDriver(h);
});
afterAll(() => h?.close());

describe('logs', () => {
  it('shows system events and staff actions from the database, newest first, in the viewer’s timezone, paginated', async () => {
    const nsk = await getCity(h.tdb.db, 'Новосибирск');
    const viewer = await h.staff('global_admin', [nsk.city.id]);
    const actor = await h.staff('city_admin', [h.moscow.city.id]);
    await h.tdb.db
      .updateTable('staff_users')
      .set({ full_name: 'Ольга <Админ>' })
      .where('id', '=', actor.id)
      .execute();
    // Eleven distribution events, one failed delivery with HTML in it, one staff action.
    await h.tdb.db
      .insertInto('system_events')
      .values(
        Array.from({ length: 11 }, (_, i) => ({
          source: 'dist',
          message: `order #${100 + i} offered to master #7`,
          created_at: new Date(Date.UTC(2026, 10, 24, 10, i, 0)),
        })),
      )
      .execute();
    await h.tdb.db
      .insertInto('system_events')
      .values({
        source: 'sender',
        level: 'error',
        message: 'delivery failed: <b>chat not found</b>',
        created_at: new Date('2026-11-24T21:30:05Z'),
      })
      .execute();
    await h.tdb.db
      .insertInto('admin_audit_log')
      .values({
        staff_user_id: actor.id,
        action: 'order.cancel',
        entity_type: 'order',
        entity_id: 42,
        payload: { reason: 'клиент отказался' },
        created_at: new Date('2026-11-24T21:00:00Z'),
      })
      .execute();

    await d.menu(viewer);
    const { edited: page1 } = await d.tapLast(viewer, texts.menu.logs);
    const lines = page1.text!.split('\n');
    expect(lines[0]).toBe('🧾 Логи — 🧾 Все (стр. 1/2, время Asia/Novosibirsk)');
    expect(lines.slice(2, 5)).toEqual([
      '25.11 04:30:05 ⚙️ sender [error] — delivery failed: <b>chat not found</b>',
      '25.11 04:00:00 👤 Ольга <Админ> — order.cancel order #42 {"reason":"клиент отказался"}',
      '24.11 17:10:00 ⚙️ dist — order #110 offered to master #7',
    ]);
    expect(lines.slice(2)).toHaveLength(10);
    expect(d.buttons(viewer, page1.message_id)).toEqual([
      `• ${L.filters.all}`,
      L.filters.sys,
      L.filters.staff,
      L.refresh,
      texts.buttons.next,
      texts.buttons.menu,
    ]);

    const { edited: page2 } = await d.tapLast(viewer, texts.buttons.next);
    expect(page2.text!.split('\n').slice(2)).toEqual([
      '24.11 17:02:00 ⚙️ dist — order #102 offered to master #7',
      '24.11 17:01:00 ⚙️ dist — order #101 offered to master #7',
      '24.11 17:00:00 ⚙️ dist — order #100 offered to master #7',
    ]);

    const { edited: staffOnly } = await d.tapLast(viewer, L.filters.staff);
    expect(staffOnly.text!.split('\n').slice(2)).toEqual([
      '25.11 04:00:00 👤 Ольга <Админ> — order.cancel order #42 {"reason":"клиент отказался"}',
    ]);
    const { edited: sysOnly } = await d.tapLast(viewer, L.filters.sys);
    expect(sysOnly.text).toContain('(стр. 1/2, время Asia/Novosibirsk)');
    expect(sysOnly.text).not.toContain('Ольга');
  });

  it('a global admin without cities sees Moscow time; other roles cannot open the logs', async () => {
    const viewer = await h.staff('global_admin');
    await d.menu(viewer);
    const { edited } = await d.tapLast(viewer, texts.menu.logs);
    expect(edited.text).toContain('время Europe/Moscow');
    expect(edited.text).toContain('25.11 00:30:05 ⚙️ sender [error]');

    const cityAdmin = await h.staff('city_admin');
    const menu = await d.menu(cityAdmin);
    for (const data of [encode('logsMenu', {}), encode('logsPage', { filter: 'all', page: 0 })]) {
      const answer = await d.tap(cityAdmin, menu.message_id, { data, unchecked: true });
      expect(answer).toMatchObject({ text: texts.noRight });
    }
    expect(d.shown(cityAdmin, menu.message_id).text).toBe(menu.text);
  });
});
