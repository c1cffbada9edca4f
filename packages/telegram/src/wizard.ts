import type { Context, MiddlewareFn } from 'telegraf';
import type { z } from 'zod';
import type { Actions, CallbackCodec } from './callback-data';

/**
 * The one wizard mechanism of both bots: a conversation has at most one open wizard, kept in
 * the Redis session as `{ kind, at, data }`, so a restart or another replica continues it.
 * Each wizard declares its state as a zod schema: the state read back from Redis (data, not
 * trusted code) is checked against it, and handlers get it typed. A wizard idle longer than the
 * bot's idle setting expires: the next read says 'expired' once and clears it.
 *
 * The session also remembers how the last wizard ended (`ended`): a button of a wizard that is
 * no longer open then says what really happened (the order was created, /start left it, it
 * idled out) instead of "session expired" for everything (`whyClosed`).
 *
 * Why not telegraf's Scenes: the bots' wizards are step machines driven mostly by inline
 * buttons that must keep working from any message (a button of a step the wizard has left is
 * answered "outdated", /cancel and 🏠 Меню leave from anywhere), and every bot-wide handler
 * (menu, stale buttons, the fallback) keeps running while a wizard is open. Scenes route every
 * update of an open scene to that scene and expire it silently; this store is the part of
 * Scenes the bots need (typed state, one slot, idle expiry) and nothing else.
 */

/** What the session holds for the open wizard. */
export interface WizardSlot {
  /** The wizard's name (its definition's `kind`). */
  kind: string;
  /** Last activity, epoch ms. */
  at: number;
  data: unknown;
}

/** How the last wizard ended: idled out, or left (/start, cancel, done, another wizard) with an optional result. */
export interface WizardEnd {
  kind: string;
  expired?: boolean;
  /** What a finished wizard produced (e.g. `{ orderId }`), for its late buttons. */
  result?: unknown;
}

/** A bot's session: the open wizard (if any) and whatever else the bot keeps. */
export interface WizardSession {
  wizard?: WizardSlot;
  ended?: WizardEnd;
}

/**
 * Why a wizard is not open: `expired` (it idled out, or the whole session is gone), `left`
 * (it was left or finished; `result` is what a finished one produced).
 */
export type WizardClosed = { why: 'expired' } | { why: 'left'; result?: unknown };

/** One wizard: its name and the shape of its state. */
export interface WizardDef<S> {
  readonly kind: string;
  readonly schema: z.ZodType<S>;
}

export function defineWizard<S>(kind: string, schema: z.ZodType<S>): WizardDef<S> {
  return { kind, schema };
}

type SessionContext = Context & { session?: WizardSession };

/** The open wizard of one update (`ctx.wizard`). */
export class Wizards {
  constructor(
    private readonly ctx: SessionContext,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The open wizard's name (expired or not), or undefined. */
  get kind(): string | undefined {
    return this.ctx.session?.wizard?.kind;
  }

  /** True when a wizard is open (expired or not). */
  get isOpen(): boolean {
    return this.ctx.session?.wizard !== undefined;
  }

  /**
   * The state of `def` when it is the open wizard; 'expired' when it idled too long or its
   * stored state no longer fits the schema (it is then cleared); undefined when `def` is not
   * the open wizard.
   */
  get<S>(def: WizardDef<S>): S | 'expired' | undefined {
    const slot = this.ctx.session?.wizard;
    if (!slot || slot.kind !== def.kind) return undefined;
    const parsed = def.schema.safeParse(slot.data);
    if (this.idle(slot) || !parsed.success) {
      this.end({ kind: slot.kind, expired: true });
      return 'expired';
    }
    return parsed.data;
  }

  /** Opens or updates `def` with `data` (closing any other wizard) and stamps its activity. */
  set<S>(def: WizardDef<S>, data: S): void {
    const open = this.ctx.session?.wizard;
    const ended = open && open.kind !== def.kind ? { ended: this.endOf(open) } : {};
    this.ctx.session = {
      ...(this.ctx.session ?? {}),
      ...ended,
      wizard: { kind: def.kind, at: this.now(), data },
    };
  }

  /** Leaves the open wizard (any); its late buttons then read as left (or expired, if it had idled out). */
  clear(): void {
    const open = this.ctx.session?.wizard;
    if (open) this.end(this.endOf(open));
  }

  /** Leaves the open wizard as finished with `result` (what its late buttons can refer to). */
  finish(result: unknown): void {
    const open = this.ctx.session?.wizard;
    if (open) this.end({ kind: open.kind, result });
  }

  /**
   * Why `def` is not open (call when `get(def)` gave undefined or 'expired'): its own end, or
   * 'left' when another wizard ran since; 'expired' when the session keeps no trace at all
   * (it outlived SESSION_TTL_SECONDS).
   */
  whyClosed(def: WizardDef<unknown>): WizardClosed {
    const s = this.ctx.session;
    const ended = s?.ended;
    if (ended?.kind === def.kind) {
      return ended.expired ? { why: 'expired' } : { why: 'left', result: ended.result };
    }
    return ended || s?.wizard ? { why: 'left' } : { why: 'expired' };
  }

  /** How the last wizard ended, whatever its kind (a stray file asks this). */
  get lastEnd(): WizardEnd | undefined {
    return this.ctx.session?.ended;
  }

  private idle(slot: WizardSlot): boolean {
    return typeof slot.at !== 'number' || this.now() - slot.at > this.idleMs;
  }

  private endOf(slot: WizardSlot): WizardEnd {
    return this.idle(slot) ? { kind: slot.kind, expired: true } : { kind: slot.kind };
  }

  private end(ended: WizardEnd): void {
    const { wizard: _, ...rest } = this.ctx.session ?? {};
    this.ctx.session = { ...rest, ended };
  }
}

export interface WizardContext extends SessionContext {
  wizard: Wizards;
}

/**
 * Puts `ctx.wizard` on every update; register right after the session middleware.
 * `idleSeconds` is the bots' one idle setting (WIZARD_IDLE_SECONDS).
 */
export function wizards<C extends WizardContext>(idleSeconds: number): MiddlewareFn<C> {
  const idleMs = idleSeconds * 1000;
  return (ctx, next) => {
    ctx.wizard = new Wizards(ctx, idleMs);
    return next();
  };
}

/**
 * A bot's 🏠 menu button (action `name` of its codec): answered at once, leaves any open
 * wizard and shows the menu in place (`show`).
 */
export function menuButton<C extends WizardContext, D extends Actions>(
  codec: CallbackCodec<D>,
  name: keyof D & string,
  show: (ctx: C) => Promise<unknown>,
): MiddlewareFn<C> {
  return codec.on(name, async (ctx: C) => {
    await ctx.answerCbQuery();
    ctx.wizard.clear();
    await show(ctx);
  });
}
