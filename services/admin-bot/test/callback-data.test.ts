import { NOTIFICATION_CALLBACKS } from '@fs/domain';
import { MAX_CALLBACK_BYTES } from '@fs/telegram';
import { type CallbackName, cb, decode, encode } from '../src/callbacks';

const CALLBACKS = cb.actions;

describe("callback-data codec (the admin bot's actions)", () => {
  it('encodes the push buttons exactly as the sender sends them', () => {
    expect(encode('adminOrderOpen', { orderId: 7 })).toBe('a:o:7');
  });

  it('decodes the push buttons', () => {
    expect(decode('a:o:5')).toEqual({ name: 'adminOrderOpen', bot: 'admin', args: { orderId: 5 } });
  });

  it.each([1, 2, 99, 100_000, 2_147_483_647])('round-trips every action with id %d', (n) => {
    for (const name of Object.keys(CALLBACKS) as CallbackName[]) {
      // Token and page args do not take every id.
      if (Object.values(CALLBACKS[name].args).some((s) => s.parse(String(n)) === null)) continue;
      const args = Object.fromEntries(Object.keys(CALLBACKS[name].args).map((k) => [k, n]));
      const data = encode(name, args as never);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
      expect(decode(data)).toEqual(expect.objectContaining({ name, args }));
    }
  });
});

describe('buttons built by the notification templates', () => {
  it('match what the codec encodes and decodes', () => {
    expect(NOTIFICATION_CALLBACKS.adminOrderOpen(9)).toBe(encode('adminOrderOpen', { orderId: 9 }));
    expect(NOTIFICATION_CALLBACKS.adminMasterOpen(5)).toBe(encode('adminMasterOpen', { masterId: 5 }));
    expect(NOTIFICATION_CALLBACKS.adminCommissionOpen(6)).toBe(
      encode('adminCommissionOpen', { commissionId: 6 }),
    );
  });
});

describe('notification buttons use the callback codec', () => {
  it('encodes the same strings the bots decode', () => {
    expect(NOTIFICATION_CALLBACKS.adminOrderOpen(123)).toBe(encode('adminOrderOpen', { orderId: 123 }));
  });
});
