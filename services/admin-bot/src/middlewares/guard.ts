import { guardedButtons, type WizardDef } from '@fs/telegram';
import type { MiddlewareFn } from 'telegraf';
import { callbackOf, cb } from '../callbacks';
import type { AdminContext } from '../context';
import { SECTIONS } from '../keyboards/menu';
import type { StaffMember } from '../queries/staff';
import { type Capability, can } from '../scope';
import { texts } from '../texts';

/** The acting staff member when their role may use `capability`; otherwise the button is refused. */
async function allowedStaff(ctx: AdminContext, capability: Capability): Promise<StaffMember | undefined> {
  const staff = ctx.staff;
  if (staff && can(staff, capability)) return staff;
  await ctx.answerCbQuery(texts.noRight, { show_alert: true });
  return undefined;
}

/**
 * Admin buttons, each for one `capability` (@fs/telegram `guardedButtons`): `staffAction(name,
 * capability, handler)`; `staffScreen` for a button that only shows a screen; `staffPages(entry,
 * list, …)` for a paged list with a menu entry. The handler still checks the object's city with
 * `inScope`/`cityFilter` (or the dispatch use case does). Refused buttons are answered here; the
 * handler answers its own.
 */
export const {
  action: staffAction,
  screen: staffScreen,
  pages: staffPages,
} = guardedButtons(cb, allowedStaff);

/** A section entry the role lacks (a forged or old button) is refused before its feature. */
export const sectionGuard: MiddlewareFn<AdminContext> = async (ctx, next) => {
  const cb = callbackOf(ctx);
  const section = cb && SECTIONS.find((s) => s.entry === cb.name);
  if (section && ctx.staff && !can(ctx.staff, section.capability)) {
    await ctx.answerCbQuery(texts.noRight, { show_alert: true });
    return;
  }
  return next();
};

/**
 * A message typed into the open wizard `def`: commands pass on, an idle wizard is told
 * "session expired" once, a staff member who lost the right (`allowed`) is told so (`refusal`) and leaves
 * the wizard; otherwise the wizard's activity is stamped and `handler` gets its typed state and
 * the text (undefined for photos, stickers, voice…).
 */
export function wizardInput<S>(
  def: WizardDef<S>,
  allowed: (staff: StaffMember, state: S) => boolean,
  handler: (ctx: AdminContext, state: S, text: string | undefined, staff: StaffMember) => Promise<unknown>,
  refusal: string = texts.noRight,
): MiddlewareFn<AdminContext> {
  return async (ctx, next) => {
    const msg = ctx.message;
    if (!msg) return next();
    const text = 'text' in msg ? msg.text : undefined;
    if (text?.startsWith('/')) return next();
    const state = ctx.wizard.get(def);
    if (state === undefined) return next();
    if (state === 'expired') {
      await ctx.reply(texts.sessionExpired);
      return;
    }
    const staff = ctx.staff;
    if (!staff) return next();
    if (!allowed(staff, state)) {
      ctx.wizard.clear();
      await ctx.reply(refusal);
      return;
    }
    ctx.wizard.set(def, state);
    await handler(ctx, state, text, staff);
  };
}

/**
 * The answer to a button of wizard `def` when it is not open: "session expired" only when it
 * really idled out; "no longer relevant" when /start, a cancel or its end left it. (Order
 * creation's ✅ Создать says which order it created, see order-create.wizard.ts.)
 */
export function closedWizardText<S>(ctx: AdminContext, def: WizardDef<S>): string {
  return ctx.wizard.whyClosed(def).why === 'expired' ? texts.sessionExpired : texts.staleAction;
}

export async function answerClosedWizard<S>(ctx: AdminContext, def: WizardDef<S>): Promise<void> {
  await ctx.answerCbQuery(closedWizardText(ctx, def), { show_alert: true });
}

/** `allowed` of wizardInput for a wizard open to one capability. */
export const capable =
  (capability: Capability) =>
  (staff: StaffMember): boolean =>
    can(staff, capability);
