import { ORDER_STATUSES } from './enums';
import { allowedTransitions, assertTransition, canTransition, OrderTransitionError } from './order-status';

describe('order state machine', () => {
  it('lets a master accept only waiting orders', () => {
    expect(canTransition('searching', 'assigned', 'master')).toBe(true);
    expect(canTransition('guarantee', 'assigned', 'master')).toBe(true);
    expect(canTransition('deferred', 'assigned', 'master')).toBe(false);
    expect(canTransition('created', 'assigned', 'master')).toBe(false);
  });

  it('walks the master through the work', () => {
    expect(canTransition('assigned', 'en_route', 'master')).toBe(true);
    expect(canTransition('en_route', 'working', 'master')).toBe(true);
    expect(canTransition('working', 'payment', 'master')).toBe(true);
    expect(canTransition('assigned', 'working', 'master')).toBe(false);
    expect(canTransition('payment', 'closed', 'master')).toBe(false);
    expect(canTransition('payment', 'closed', 'system')).toBe(true);
  });

  it('wakes deferred orders by the system or staff', () => {
    expect(canTransition('deferred', 'searching', 'system')).toBe(true);
    expect(canTransition('deferred', 'searching', 'staff')).toBe(true);
    expect(canTransition('deferred', 'searching', 'master')).toBe(false);
  });

  it('returns active orders to search (staff or a refusing master)', () => {
    for (const from of ['assigned', 'en_route', 'working'] as const) {
      expect(canTransition(from, 'searching', 'staff')).toBe(true);
      expect(canTransition(from, 'searching', 'master')).toBe(true);
    }
    expect(canTransition('payment', 'searching', 'staff')).toBe(false);
  });

  it('lets only staff cancel, and only open orders', () => {
    for (const from of ORDER_STATUSES) {
      const open = from !== 'closed' && from !== 'canceled';
      expect(canTransition(from, 'canceled', 'staff')).toBe(open);
      expect(canTransition(from, 'canceled', 'master')).toBe(false);
    }
  });

  it('never leaves closed or canceled', () => {
    for (const to of ORDER_STATUSES) {
      expect(allowedTransitions('closed', 'staff')).not.toContain(to);
      expect(allowedTransitions('canceled', 'staff')).not.toContain(to);
    }
  });

  it('assertTransition throws a typed error', () => {
    expect(() => assertTransition('closed', 'searching', 'staff')).toThrow(OrderTransitionError);
    expect(() => assertTransition('searching', 'assigned', 'master')).not.toThrow();
  });
});
