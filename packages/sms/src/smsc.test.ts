import { FakeSmsc } from '@fs/testkit';
import { isStopRequest, SmsDeliveryError, type SmsFailure } from './provider';
import { parseSmscInbound, SmscProvider } from './smsc';

let fake: FakeSmsc;
let smsc: SmscProvider;

beforeAll(async () => {
  fake = new FakeSmsc({ login: 'fs', password: 'secret' });
  const apiRoot = await fake.start();
  smsc = new SmscProvider({ apiRoot, login: 'fs', password: 'secret', sender: 'FieldServ' });
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

async function failureOf(p: Promise<unknown>): Promise<SmsFailure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SmsDeliveryError) return err.failure;
    throw err;
  }
  throw new Error('expected the send to fail');
}

describe('SmscProvider against the fake SMSC', () => {
  it('sends one SMS and returns its id', async () => {
    const { messageId } = await smsc.send('+79991234567', 'Заказ №1: мастер Иван выехал к вам.');
    expect(fake.inbox('+79991234567')).toEqual([
      expect.objectContaining({
        id: Number(messageId),
        text: 'Заказ №1: мастер Иван выехал к вам.',
        sender: 'FieldServ',
      }),
    ]);
    expect(fake.requests[0]!.params).toMatchObject({ phones: '79991234567', charset: 'utf-8', fmt: '3' });
  });

  it('an invalid number (SMSC error 7) is unreachable', async () => {
    fake.invalidNumbers.add('+79990000000');
    expect(await failureOf(smsc.send('+79990000000', 'x'))).toEqual({
      kind: 'unreachable',
      reason: 'smsc error 7: invalid phone',
    });
  });

  it('a number that cannot receive SMS (error 8) is unreachable', async () => {
    fake.failNext({ failure: { errorCode: 8 } });
    expect((await failureOf(smsc.send('+79991234567', 'x'))).kind).toBe('unreachable');
  });

  it('HTTP 429 is a rate limit with its Retry-After', async () => {
    fake.failNext({ failure: { http: 429, retryAfterS: 7 } });
    expect(await failureOf(smsc.send('+79991234567', 'x'))).toEqual({
      kind: 'rate_limited',
      retryAfterS: 7,
      reason: 'smsc http 429',
    });
  });

  it('too many requests (error 9) is a rate limit', async () => {
    fake.failNext({ failure: { errorCode: 9 } });
    expect(await failureOf(smsc.send('+79991234567', 'x'))).toMatchObject({
      kind: 'rate_limited',
      retryAfterS: 60,
    });
  });

  it('HTTP 5xx, a dropped connection and a low balance are transient', async () => {
    fake.failNext({ failure: { http: 503 } });
    expect(await failureOf(smsc.send('+79991234567', 'x'))).toEqual({
      kind: 'transient',
      reason: 'smsc http 503',
    });
    fake.failNext({ failure: { network: true } });
    expect((await failureOf(smsc.send('+79991234567', 'x'))).kind).toBe('transient');
    fake.failNext({ failure: { errorCode: 3 } });
    expect((await failureOf(smsc.send('+79991234567', 'x'))).kind).toBe('transient');
    expect(fake.sent).toHaveLength(0);
    await smsc.send('+79991234567', 'x');
    expect(fake.sent).toHaveLength(1);
  });

  it('wrong credentials and a forbidden text are rejected (no retry helps)', async () => {
    const wrong = new SmscProvider({ apiRoot: fake.apiRoot, login: 'fs', password: 'nope' });
    expect(await failureOf(wrong.send('+79991234567', 'x'))).toEqual({
      kind: 'rejected',
      reason: 'smsc error 2: authorise error',
    });
    fake.failNext({ failure: { errorCode: 6 } });
    expect((await failureOf(smsc.send('+79991234567', 'x'))).kind).toBe('rejected');
  });

  it('authenticates with an API key instead of login and password', async () => {
    const keyed = new FakeSmsc({ apiKey: 'k-123' });
    const root = await keyed.start();
    try {
      await new SmscProvider({ apiRoot: root, apiKey: 'k-123' }).send('+79991234567', 'x');
      expect(keyed.requests[0]!.params).toMatchObject({ apikey: 'k-123' });
      expect(keyed.sent).toHaveLength(1);
    } finally {
      await keyed.stop();
    }
  });
});

describe('incoming SMS', () => {
  it('parses SMSC incoming-message fields', () => {
    expect(parseSmscInbound({ phone: '79991234567', mes: 'STOP', to: '79000000000' })).toEqual({
      phone: '+79991234567',
      text: 'STOP',
    });
    expect(parseSmscInbound({ phone: 'abc', mes: 'STOP' })).toBeNull();
    expect(parseSmscInbound('STOP')).toBeNull();
  });

  it.each(['STOP', 'stop', ' Стоп ', 'СТОП!', 'отписаться'])('%s asks to stop', (text) => {
    expect(isStopRequest(text)).toBe(true);
  });

  it.each(['стоп-кран сломался', 'спасибо', ''])('%s does not', (text) => {
    expect(isStopRequest(text)).toBe(false);
  });
});
