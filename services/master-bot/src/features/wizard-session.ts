import type { CloseOrderWizard, MasterContext } from '../context';

/** A wizard idle longer than this expires ("Сессия истекла"); the Redis session lives longer. */
export const WIZARD_IDLE_MS = 10 * 60_000;

export function clearWizard(ctx: MasterContext): void {
  if (!ctx.session?.closeOrder) return;
  const { closeOrder: _, ...rest } = ctx.session;
  ctx.session = rest;
}

export function setWizard(ctx: MasterContext, wizard: Omit<CloseOrderWizard, 'at'>): void {
  ctx.session = { ...(ctx.session ?? {}), closeOrder: { ...wizard, at: Date.now() } };
}

/** The active wizard, 'expired' when it idled too long (and is then cleared), or undefined. */
export function currentWizard(
  ctx: MasterContext,
  now = Date.now(),
): CloseOrderWizard | 'expired' | undefined {
  const w = ctx.session?.closeOrder;
  if (!w) return undefined;
  if (typeof w.at !== 'number' || now - w.at > WIZARD_IDLE_MS) {
    clearWizard(ctx);
    return 'expired';
  }
  return w;
}
