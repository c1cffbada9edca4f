import { NOTIFICATION_CALLBACKS } from '@fs/domain';
import { MAX_CALLBACK_BYTES } from '@fs/telegram';
import { decode, encode } from '../src/callbacks';

describe('master bot menu, shift, offers and active-order callbacks', () => {
  it('round-trip with their token and page args and stay short', () => {
    const samples = [
      encode('shiftOn', {}),
      encode('shiftOff', {}),
      encode('breakMenu', {}),
      encode('breakStart', { d: '15m' }),
      encode('breakStart', { d: '2h' }),
      encode('breakEnd', {}),
      encode('breakExtendMenu', {}),
      encode('breakExtend', { d: '1h' }),
      encode('offersList', { page: 0 }),
      encode('offersList', { page: 999 }),
      encode('offerCard', { offerId: 2_147_483_647, page: 999 }),
      encode('activeList', {}),
      encode('activeCard', { orderId: 7 }),
      encode('activeEnRoute', { orderId: 7 }),
      encode('activeWorking', { orderId: 7 }),
      encode('activeClose', { orderId: 7 }),
      encode('wizardCancel', {}),
    ];
    for (const data of samples) {
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
      const decoded = decode(data);
      expect(decoded).not.toBeNull();
      expect(encode(decoded!.name, decoded!.args as never)).toBe(data);
    }
    expect(decode('m:brks:3h')).toBeNull();
    expect(decode('m:new:1000')).toBeNull();
    expect(decode('m:newc:5')).toBeNull();
    expect(decode('m:actx:0')).toBeNull();
  });

  it('the break reminder and break-ended buttons match the codec', () => {
    expect(NOTIFICATION_CALLBACKS.breakEnd()).toBe(encode('breakEnd', {}));
    expect(NOTIFICATION_CALLBACKS.breakExtend()).toBe(encode('breakExtendMenu', {}));
    expect(NOTIFICATION_CALLBACKS.shiftOff()).toBe(encode('shiftOff', {}));
  });
});
