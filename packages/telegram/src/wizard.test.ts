import type { Context } from 'telegraf';
import { z } from 'zod';
import { defineWizard, type WizardSession, Wizards } from './wizard';

const closing = defineWizard(
  'closing',
  z.object({ orderId: z.number().int(), step: z.enum(['amount', 'act']) }),
);
const paying = defineWizard('paying', z.object({ files: z.array(z.string()) }));

function store(session: WizardSession = {}, now = () => 1_000_000) {
  const ctx = { session } as Context & { session?: WizardSession };
  return { ctx, w: new Wizards(ctx, 60_000, now) };
}

describe('the wizard store', () => {
  it('keeps one typed wizard in the session and gives its state back', () => {
    const { ctx, w } = store();
    w.set(closing, { orderId: 7, step: 'amount' });
    expect(ctx.session?.wizard).toEqual({
      kind: 'closing',
      at: 1_000_000,
      data: { orderId: 7, step: 'amount' },
    });
    expect(w.get(closing)).toEqual({ orderId: 7, step: 'amount' });
    expect(w.get(paying)).toBeUndefined();
    w.set(paying, { files: [] });
    expect(w.kind).toBe('paying');
    expect(w.get(closing)).toBeUndefined();
  });

  it('an idle wizard reads as expired once, then is gone', () => {
    let now = 1_000_000;
    const { w } = store({}, () => now);
    w.set(closing, { orderId: 7, step: 'act' });
    now += 60_001;
    expect(w.get(closing)).toBe('expired');
    expect(w.isOpen).toBe(false);
    expect(w.get(closing)).toBeUndefined();
  });

  it('state that no longer fits the schema (an old or forged session) reads as expired', () => {
    const { w } = store({
      wizard: { kind: 'closing', at: 1_000_000, data: { orderId: 'x', step: 'amount' } },
    });
    expect(w.get(closing)).toBe('expired');
    expect(w.isOpen).toBe(false);
  });

  it('clear leaves the rest of the session alone', () => {
    const { ctx, w } = store({ wizard: { kind: 'paying', at: 1, data: { files: [] } }, other: 1 } as never);
    w.clear();
    expect(ctx.session).toEqual({ other: 1, ended: { kind: 'paying', expired: true } });
  });

  it('remembers how the last wizard ended: its late buttons say what really happened', () => {
    let now = 1_000_000;
    const { w } = store({}, () => now);
    // Nothing in the session at all: it outlived its TTL.
    expect(w.whyClosed(closing)).toEqual({ why: 'expired' });
    w.set(closing, { orderId: 7, step: 'amount' });
    w.clear(); // /start
    expect(w.whyClosed(closing)).toEqual({ why: 'left' });
    expect(w.lastEnd).toEqual({ kind: 'closing' });
    w.set(closing, { orderId: 7, step: 'act' });
    w.finish({ orderId: 7 });
    expect(w.isOpen).toBe(false);
    expect(w.whyClosed(closing)).toEqual({ why: 'left', result: { orderId: 7 } });
    // Another wizard replaced it.
    w.set(closing, { orderId: 8, step: 'act' });
    w.set(paying, { files: [] });
    expect(w.whyClosed(closing)).toEqual({ why: 'left' });
    // Idled out: read as expired, and its buttons keep saying so; /start after idling too.
    now += 60_001;
    expect(w.get(paying)).toBe('expired');
    expect(w.whyClosed(paying)).toEqual({ why: 'expired' });
    w.set(closing, { orderId: 9, step: 'act' });
    now += 60_001;
    w.clear();
    expect(w.whyClosed(closing)).toEqual({ why: 'expired' });
    expect(w.lastEnd).toEqual({ kind: 'closing', expired: true });
  });
});
