import type { AdminContext, AdminWizard } from '../context';

/** A wizard idle longer than this expires ("Сессия истекла"); the Redis session lives longer. */
export const WIZARD_IDLE_MS = 15 * 60_000;

/** Opens or updates the staff member's wizard (replacing any other) and stamps its activity. */
export function setWizard(ctx: AdminContext, wizard: Omit<AdminWizard, 'at'>): void {
  ctx.session = { ...(ctx.session ?? {}), wizard: { ...wizard, at: Date.now() } };
}

export function clearWizard(ctx: AdminContext): void {
  if (!ctx.session?.wizard) return;
  const { wizard: _, ...rest } = ctx.session;
  ctx.session = rest;
}

/**
 * The open wizard of `kind`; 'expired' when the staff member's wizard idled too long (it is
 * then cleared); undefined when there is none or it belongs to another feature.
 */
export function currentWizard(
  ctx: AdminContext,
  kind: string,
  now = Date.now(),
): AdminWizard | 'expired' | undefined {
  const w = ctx.session?.wizard;
  if (!w) return undefined;
  if (typeof w.at !== 'number' || now - w.at > WIZARD_IDLE_MS) {
    clearWizard(ctx);
    return 'expired';
  }
  return w.kind === kind ? w : undefined;
}
