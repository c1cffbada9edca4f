import type { MasterContext, MasterSession } from '../context';

/** A wizard idle longer than this expires ("Сессия истекла"); the Redis session lives longer. */
export const WIZARD_IDLE_MS = 10 * 60_000;

/** Session keys that hold a wizard. A master is in at most one wizard at a time. */
export type WizardKey = 'closeOrder' | 'onboarding' | 'payReport';
const WIZARD_KEYS: readonly WizardKey[] = ['closeOrder', 'onboarding', 'payReport'];

type WizardOf<K extends WizardKey> = NonNullable<MasterSession[K]>;

/** True when any wizard is open (expired or not). */
export function hasWizard(ctx: MasterContext): boolean {
  return WIZARD_KEYS.some((k) => ctx.session?.[k] !== undefined);
}

/** Leaves every wizard (/start, /cancel, 🏠 Меню, or starting another wizard). */
export function clearWizard(ctx: MasterContext): void {
  if (!ctx.session || !hasWizard(ctx)) return;
  const rest: MasterSession = { ...ctx.session };
  for (const k of WIZARD_KEYS) delete rest[k];
  ctx.session = rest;
}

/** Opens or updates wizard `key` (closing any other) and stamps its last activity. */
export function setWizard<K extends WizardKey>(
  ctx: MasterContext,
  wizard: Omit<WizardOf<K>, 'at'>,
  key: K = 'closeOrder' as K,
): void {
  clearWizard(ctx);
  ctx.session = { ...(ctx.session ?? {}), [key]: { ...wizard, at: Date.now() } };
}

/** Wizard `key`, 'expired' when it idled too long (and is then cleared), or undefined. */
export function currentWizard<K extends WizardKey = 'closeOrder'>(
  ctx: MasterContext,
  key: K = 'closeOrder' as K,
  now = Date.now(),
): WizardOf<K> | 'expired' | undefined {
  const w = ctx.session?.[key] as WizardOf<K> | undefined;
  if (!w) return undefined;
  if (typeof w.at !== 'number' || now - w.at > WIZARD_IDLE_MS) {
    clearWizard(ctx);
    return 'expired';
  }
  return w;
}
