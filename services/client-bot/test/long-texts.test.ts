import { texts } from '../src/texts';

/**
 * Issue 14 item 3: the client's order card carries one typed value, the master's first name
 * (a name is at most three words of 30 letters): through fitText, it fits whole, escaped.
 */
it('the order card shows the longest master name whole and fits', () => {
  const word = '&<'.repeat(15);
  const text = texts.status.card(
    {
      id: 123456,
      status: 'en_route',
      type: 'normal',
      category: 'electrics',
      timeslot_start: new Date('2029-06-14T10:00:00Z'),
      timeslot_end: new Date('2029-06-14T13:00:00Z'),
      is_asap: false,
      timezone: 'Europe/Moscow',
      master_name: [word, word, word].join(' '),
      amount_kopecks: null,
      stars: null,
      amount_confirmed: null,
    },
    new Date('2029-06-14T09:00:00Z'),
  );
  expect(text.length).toBeLessThanOrEqual(4096);
  expect(text).toContain(`Мастер: ${'&amp;&lt;'.repeat(15)}\n`);
  expect(text).toContain('Время визита: сегодня 13:00–16:00');
});
