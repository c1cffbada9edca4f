import type { Context, MiddlewareFn } from 'telegraf';
import type { z } from 'zod';

/**
 * The one wizard mechanism of both bots: a conversation has at most one open wizard, kept in
 * the Redis session as `{ kind, at, data }`, so a restart or another replica continues it.
 * Each wizard declares its state as a zod schema: the state read back from Redis (data, not
 * trusted code) is checked against it, and handlers get it typed. A wizard idle longer than the
 * bot's idle setting expires: the next read says 'expired' once and clears it.
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

/** A bot's session: the open wizard (if any) and whatever else the bot keeps. */
export interface WizardSession {
  wizard?: WizardSlot;
}

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
    if (typeof slot.at !== 'number' || this.now() - slot.at > this.idleMs || !parsed.success) {
      this.clear();
      return 'expired';
    }
    return parsed.data;
  }

  /** Opens or updates `def` with `data` (closing any other wizard) and stamps its activity. */
  set<S>(def: WizardDef<S>, data: S): void {
    this.ctx.session = { ...(this.ctx.session ?? {}), wizard: { kind: def.kind, at: this.now(), data } };
  }

  /** Leaves the open wizard (any). */
  clear(): void {
    if (!this.ctx.session?.wizard) return;
    const { wizard: _, ...rest } = this.ctx.session;
    this.ctx.session = rest;
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
