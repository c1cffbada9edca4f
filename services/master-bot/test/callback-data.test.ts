import { NOTIFICATION_CALLBACKS } from '@fs/domain';
import { intArg, MAX_CALLBACK_BYTES, oneOfArg } from '@fs/telegram';
import { type CallbackName, cb, decode, encode } from '../src/callbacks';

const CALLBACKS = cb.actions;

describe("callback-data codec (the master bot's actions)", () => {
  it('encodes the push buttons exactly as the sender sends them', () => {
    expect(encode('offerAccept', { offerId: 42 })).toBe('m:oa:42');
    expect(encode('offerDecline', { offerId: 42 })).toBe('m:od:42');
    expect(encode('offerDeclineConfirm', { offerId: 42 })).toBe('m:odc:42');
    expect(encode('offerDeclineCancel', { offerId: 42 })).toBe('m:odn:42');
    expect(encode('masterMenu', {})).toBe('m:menu');
  });

  it('decodes the push buttons', () => {
    expect(decode('m:oa:123')).toEqual({ name: 'offerAccept', bot: 'master', args: { offerId: 123 } });
    expect(decode('m:od:9')).toEqual({ name: 'offerDecline', bot: 'master', args: { offerId: 9 } });
    expect(decode('m:menu')).toEqual({ name: 'masterMenu', bot: 'master', args: {} });
  });

  it.each([1, 2, 99, 100_000, 2_147_483_647])('round-trips every action with id %d', (n) => {
    for (const name of Object.keys(CALLBACKS) as CallbackName[]) {
      // Token and page args do not take every id; callbacks.test.ts covers those actions.
      if (Object.values(CALLBACKS[name].args).some((s) => s.parse(String(n)) === null)) continue;
      const args = Object.fromEntries(Object.keys(CALLBACKS[name].args).map((k) => [k, n]));
      const data = encode(name, args as never);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
      expect(decode(data)).toEqual(expect.objectContaining({ name, args }));
    }
  });

  it('refuses to encode out-of-range arguments', () => {
    expect(() => encode('offerAccept', { offerId: 0 })).toThrow(RangeError);
    expect(() => encode('offerAccept', { offerId: -1 })).toThrow(RangeError);
    expect(() => encode('offerAccept', { offerId: 1.5 })).toThrow(RangeError);
    expect(() => encode('offerAccept', { offerId: 2_147_483_648 })).toThrow(RangeError);
    expect(() => encode('offerAccept', { offerId: Number.NaN })).toThrow(RangeError);
    expect(() => encode('offerAccept', {} as never)).toThrow(TypeError);
  });

  it.each([
    ['empty', ''],
    ['prefix only', 'm'],
    ['bare bot', 'm:'],
    ['unknown action', 'm:zz:1'],
    ['unknown bot', 'x:oa:1'],
    ['future version prefix', 'm2:oa:1'],
    ['missing arg', 'm:oa'],
    ['empty arg', 'm:oa:'],
    ['extra arg', 'm:oa:1:2'],
    ['trailing colon', 'm:oa:1:'],
    ['arg on argless action', 'm:menu:1'],
    ['zero id', 'm:oa:0'],
    ['negative id', 'm:oa:-5'],
    ['plus sign', 'm:oa:+5'],
    ['leading zero', 'm:oa:007'],
    ['decimal', 'm:oa:1.5'],
    ['exponent', 'm:oa:1e3'],
    ['hex', 'm:oa:0x10'],
    ['spaces', 'm:oa: 12'],
    ['trailing space', 'm:oa:12 '],
    ['int overflow', 'm:oa:2147483648'],
    ['huge number', 'm:oa:99999999999999999999'],
    ['letters', 'm:oa:abc'],
    ['unicode digits', 'm:oa:١٢'],
    ['upper case action', 'M:OA:1'],
    ['admin code under master prefix', 'm:o:1'],
    ['sql-ish', 'm:oa:1;DROP TABLE offers'],
    ['oversized', `m:oa:${'1'.repeat(70)}`],
    ['newline', 'm:oa:1\n'],
    ['prototype key', 'm:__proto__'],
    ['constructor', 'constructor:x'],
  ])('decodes %s to null', (_label, data) => {
    expect(decode(data)).toBeNull();
  });

  it('never throws on non-string input', () => {
    for (const v of [undefined, null, 42, {}, [], Symbol('x'), () => 1]) expect(decode(v)).toBeNull();
  });

  it('fuzz: random strings never throw and decode only to valid, re-encodable values', () => {
    const alphabet = 'ma:od0123456789cnue-x ';
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < 5000; i++) {
      const len = Math.floor(rnd() * 20);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const d = decode(s);
      if (d) expect(encode(d.name, d.args as never)).toBe(s);
    }
  });

  it('arg specs for later actions: bounded ints and token sets', () => {
    const page = intArg(0, 999);
    expect(page.parse('0')).toBe(0);
    expect(page.parse('1000')).toBeNull();
    const period = oneOfArg(['day', 'week'] as const);
    expect(period.parse('week')).toBe('week');
    expect(period.parse('year')).toBeNull();
    expect(() => period.format('year' as never)).toThrow(RangeError);
  });
});

describe('buttons built by the notification templates', () => {
  it('match what the codec encodes and decodes', () => {
    expect(NOTIFICATION_CALLBACKS.offerAccept(17)).toBe(encode('offerAccept', { offerId: 17 }));
    expect(NOTIFICATION_CALLBACKS.offerDecline(17)).toBe(encode('offerDecline', { offerId: 17 }));
    expect(NOTIFICATION_CALLBACKS.masterFinance()).toBe(encode('financeView', {}));
    expect(NOTIFICATION_CALLBACKS.masterActiveCard(8)).toBe(encode('activeCard', { orderId: 8 }));
    expect(NOTIFICATION_CALLBACKS.breakEnd()).toBe(encode('breakEnd', {}));
    expect(NOTIFICATION_CALLBACKS.breakExtend()).toBe(encode('breakExtendMenu', {}));
    expect(NOTIFICATION_CALLBACKS.shiftOff()).toBe(encode('shiftOff', {}));
    expect(decode(NOTIFICATION_CALLBACKS.offerAccept(17))?.name).toBe('offerAccept');
  });
});

describe('notification buttons use the callback codec', () => {
  it('encodes the same strings the bots decode', () => {
    expect(NOTIFICATION_CALLBACKS.offerAccept(77)).toBe(encode('offerAccept', { offerId: 77 }));
    expect(NOTIFICATION_CALLBACKS.offerDecline(77)).toBe(encode('offerDecline', { offerId: 77 }));
    expect(decode(NOTIFICATION_CALLBACKS.offerAccept(77))).toMatchObject({
      name: 'offerAccept',
      args: { offerId: 77 },
    });
  });
});
