import { renderNotification } from '@fs/domain';
import { createTestDatabase, type TestDatabase } from '@fs/testkit';
import { recordSystemEvent } from './system-events';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => tdb?.drop());

const setLogsChannel = (value: string) =>
  tdb.db
    .updateTable('settings')
    .set({ value: JSON.stringify(value) })
    .where('key', '=', 'logs_channel_id')
    .execute();
const logRows = () =>
  tdb.db
    .selectFrom('notifications_outbox')
    .selectAll()
    .where('event', '=', 'system_event')
    .orderBy('id')
    .execute();

describe('recordSystemEvent', () => {
  it('writes the log row, and nothing for the logs channel while it is not set', async () => {
    await setLogsChannel('');
    await recordSystemEvent(tdb.db, { source: 'distribution', level: 'warn', message: 'order #1 escalated' });
    const events = await tdb.db.selectFrom('system_events').select(['source', 'level', 'message']).execute();
    expect(events).toEqual([{ source: 'distribution', level: 'warn', message: 'order #1 escalated' }]);
    expect(await logRows()).toEqual([]);
  });

  it('copies the line to the logs channel once, with the order button', async () => {
    await setLogsChannel('-1001234');
    await recordSystemEvent(tdb.db, {
      source: 'sender',
      level: 'error',
      message: 'delivery failed: <b>x</b>',
      orderId: null,
    });
    const rows = await logRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ bot: 'admin', chat_id: -1001234, status: 'pending' });
    expect(rows[0]!.dedup_key).toMatch(/^system-event:\d+$/);
    expect(renderNotification('system_event', rows[0]!.payload as never, new Date()).text).toBe(
      '❗ <b>sender</b>: delivery failed: &lt;b&gt;x&lt;/b&gt;',
    );
  });
});
