import { randomUUID } from 'node:crypto';
import { addLocalDays, asapDecision, isSlotOpen, localDateOf, parseSlotDate, slotsOn } from '@fs/domain';
import { fileOfMessage, inlineKeyboard } from '@fs/telegram';
import { type Telegraf, TelegramError } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { type CallbackArgs, type CallbackName, cbButton } from '../callbacks';
import type { AdminBotDeps, AdminContext } from '../context';
import { can } from '../scope';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import { menuRow, showMenu, staffAction } from './menu';
import {
  type Draft,
  nextStep,
  type Parsed,
  parseApartment,
  parseClientName,
  parseClientPhone,
  parseComment,
  parseDescription,
  parseHouse,
  parseQuery,
  parseStreetName,
  previousStep,
  type SlotChoice,
  type Step,
  WIZARD_KIND,
} from './order-create-draft';
import { DraftFiles } from './order-create-files';
import {
  activeCategories,
  districtOfCity,
  lastOrderByPhone,
  scopedCity,
  searchCities,
  searchDistricts,
  searchStreets,
  streetOfCity,
} from './order-create-queries';
import {
  createdScreen,
  modeScreen,
  quickFoundNote,
  renderStep,
  type ScreenInput,
  slotContext,
} from './order-create-screens';
import { isComplete, submitDraft } from './order-create-submit';
import { clearWizard, currentWizard, setWizard } from './wizard-session';

const T = texts.orderCreate;

/** Steps where staff type text (a sticker there gets "нужен текст"). */
const TEXT_STEPS: ReadonlySet<Step> = new Set<Step>([
  'quickPhone',
  'city',
  'district',
  'street',
  'streetManual',
  'house',
  'apartment',
  'comment',
  'name',
  'phone',
  'description',
  'slot',
  'slotDate',
  'slotsOfDate',
]);

/** Where "✏️ Изменить → field" goes. */
const FIELD_STEP = {
  city: 'city',
  district: 'district',
  street: 'street',
  house: 'house',
  apartment: 'apartment',
  comment: 'comment',
  name: 'name',
  phone: 'phone',
  category: 'category',
  description: 'description',
  slot: 'slot',
  type: 'type',
  files: 'files',
} as const satisfies Record<CallbackArgs<'ocEditField'>['field'], Step>;

/**
 * Shows text and buttons: edits the pressed button's message, or sends a new message (after
 * typed input, or when the old message cannot be edited any more).
 */
async function present(
  ctx: AdminContext,
  text: string,
  keyboard: InlineKeyboardMarkup | undefined,
  how: 'edit' | 'reply',
): Promise<void> {
  const extra = { parse_mode: 'HTML' as const, ...(keyboard ? { reply_markup: keyboard } : {}) };
  if (how === 'edit' && ctx.callbackQuery?.message) {
    try {
      await ctx.editMessageText(text, extra);
      return;
    } catch (err) {
      if (err instanceof TelegramError && /message is not modified/i.test(err.description)) return;
      if (!(err instanceof TelegramError && err.code === 400)) throw err;
    }
  }
  await ctx.reply(text, extra);
}

/**
 * Order creation: "➕ Новый заказ" → ⚡ quick create (by the client's phone, reusing the last
 * address) or 📝 the full wizard → confirmation card → createOrder. State lives in the Redis
 * session (one wizard per staff member), attached files in a Redis list per wizard run.
 */
export function orderCreateFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  const { db, redis, config } = deps;
  const files = new DraftFiles(redis, config.REDIS_PREFIX);

  /** Saves the draft at `step` and shows that step (with an optional note above it). */
  async function show(
    ctx: AdminContext,
    staff: StaffMember,
    d: Draft,
    step: Step,
    how: 'edit' | 'reply',
    note?: string,
    input?: ScreenInput,
  ): Promise<void> {
    if (step === 'mode') {
      clearWizard(ctx);
      await files.clear(d.nonce);
      const s = modeScreen();
      await present(ctx, s.text, s.keyboard, how);
      return;
    }
    const draft = step === 'confirm' ? { ...d, editing: true } : d;
    const screen = await renderStep(
      { deps, staff, fileCount: () => files.count(d.nonce) },
      draft,
      step,
      input,
    );
    if (!screen) {
      // The city left the staff member's scope (or was deactivated) mid-wizard.
      await abandon(ctx, d);
      await present(ctx, T.error.outOfScope, inlineKeyboard([menuRow()]), how);
      return;
    }
    setWizard(ctx, { kind: WIZARD_KIND, step, data: draft as unknown as Record<string, unknown> });
    await present(ctx, note ? `${note}\n\n${screen.text}` : screen.text, screen.keyboard, how);
  }

  async function abandon(ctx: AdminContext, d: Draft): Promise<void> {
    clearWizard(ctx);
    await files.clear(d.nonce);
  }

  const go = (
    ctx: AdminContext,
    staff: StaffMember,
    d: Draft,
    from: Step,
    how: 'edit' | 'reply',
    note?: string,
  ) => show(ctx, staff, d, nextStep(d, from), how, note);

  const hasCities = (staff: StaffMember) => staff.role === 'global_admin' || staff.cityIds.length > 0;

  function newDraft(mode: Draft['mode']): Draft {
    return { nonce: randomUUID(), mode };
  }

  /**
   * A step button: accepted only while this staff member's order wizard is on one of `steps`
   * (an old message's buttons change nothing); the role is checked by staffAction.
   */
  function stepAction<N extends CallbackName>(
    name: N,
    steps: readonly Step[] | 'any',
    handler: (
      ctx: AdminContext,
      args: CallbackArgs<N>,
      staff: StaffMember,
      d: Draft,
      step: Step,
    ) => Promise<void>,
  ) {
    return staffAction(name, 'orders', async (ctx, args, staff) => {
      const w = ctx.session?.wizard?.kind === WIZARD_KIND ? currentWizard(ctx, WIZARD_KIND) : undefined;
      if (w === undefined || w === 'expired') {
        await ctx.answerCbQuery(texts.sessionExpired, { show_alert: true });
        return;
      }
      const step = w.step as Step;
      if (steps !== 'any' && !steps.includes(step)) {
        await ctx.answerCbQuery(T.staleStep);
        return;
      }
      await handler(ctx, args, staff, w.data as unknown as Draft, step);
    });
  }

  // ── Entry and mode ────────────────────────────────────────────────────────────────────
  bot.use(
    staffAction('orderCreateMenu', 'orders', async (ctx, _args, staff) => {
      await ctx.answerCbQuery();
      if (!hasCities(staff)) {
        await present(ctx, T.noCities, inlineKeyboard([menuRow()]), 'edit');
        return;
      }
      const s = modeScreen();
      await present(ctx, s.text, s.keyboard, 'edit');
    }),
  );
  bot.use(
    staffAction('ocQuick', 'orders', async (ctx, _args, staff) => {
      await ctx.answerCbQuery();
      if (!hasCities(staff)) return present(ctx, T.noCities, inlineKeyboard([menuRow()]), 'edit');
      await show(ctx, staff, newDraft('quick'), 'quickPhone', 'edit');
    }),
  );
  bot.use(
    staffAction('ocFull', 'orders', async (ctx, _args, staff) => {
      await ctx.answerCbQuery();
      if (!hasCities(staff)) return present(ctx, T.noCities, inlineKeyboard([menuRow()]), 'edit');
      await show(ctx, staff, newDraft('full'), 'city', 'edit');
    }),
  );

  // ── Address ───────────────────────────────────────────────────────────────────────────
  async function chooseCity(
    ctx: AdminContext,
    staff: StaffMember,
    d: Draft,
    cityId: number,
    how: 'edit' | 'reply',
  ) {
    const city = await scopedCity(db, staff, cityId);
    if (!city) return false;
    const same = d.cityId === city.id;
    const next: Draft = same
      ? { ...d, cityName: city.name }
      : {
          ...d,
          cityId: city.id,
          cityName: city.name,
          districtId: undefined,
          districtName: undefined,
          street: undefined,
          streetId: undefined,
          streetIds: undefined,
        };
    await go(ctx, staff, next, 'city', how);
    return true;
  }

  bot.use(
    stepAction('ocCity', ['city'], async (ctx, { cityId }, staff, d) => {
      const city = await scopedCity(db, staff, cityId);
      if (!city) {
        await ctx.answerCbQuery(texts.notInScope, { show_alert: true });
        return;
      }
      await ctx.answerCbQuery();
      await chooseCity(ctx, staff, d, city.id, 'edit');
    }),
  );
  bot.use(
    stepAction('ocCityPage', ['city'], async (ctx, { page }, staff, d) => {
      await ctx.answerCbQuery();
      await show(ctx, staff, d, 'city', 'edit', undefined, { page });
    }),
  );
  bot.use(
    stepAction('ocDistrict', ['district'], async (ctx, { districtId }, staff, d) => {
      const district = d.cityId === undefined ? undefined : await districtOfCity(db, d.cityId, districtId);
      if (!district) {
        await ctx.answerCbQuery(T.districtNotInCity, { show_alert: true });
        return;
      }
      await ctx.answerCbQuery();
      await go(
        ctx,
        staff,
        { ...d, districtId: district.id, districtName: district.name },
        'district',
        'edit',
      );
    }),
  );
  bot.use(
    stepAction('ocDistrictNone', ['district'], async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      await go(ctx, staff, { ...d, districtId: null, districtName: null }, 'district', 'edit');
    }),
  );
  bot.use(
    stepAction('ocDistrictPage', ['district'], async (ctx, { page }, staff, d) => {
      await ctx.answerCbQuery();
      await show(ctx, staff, d, 'district', 'edit', undefined, { page });
    }),
  );
  bot.use(
    stepAction('ocStreet', ['street'], async (ctx, { streetId }, staff, d) => {
      const street =
        d.cityId !== undefined && d.streetIds?.includes(streetId)
          ? await streetOfCity(db, d.cityId, streetId)
          : undefined;
      if (!street) {
        await ctx.answerCbQuery(T.streetNotInCity, { show_alert: true });
        return;
      }
      await ctx.answerCbQuery();
      // A street that knows its district fills it in when staff chose none.
      const district =
        !d.districtId && street.district_id !== null
          ? { districtId: street.district_id, districtName: street.district_name }
          : {};
      const next: Draft = {
        ...d,
        ...district,
        street: street.name,
        streetId: street.id,
        streetIds: undefined,
      };
      await go(ctx, staff, next, 'street', 'edit');
    }),
  );
  bot.use(
    stepAction('ocStreetManual', ['street'], async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      await show(ctx, staff, d, 'streetManual', 'edit');
    }),
  );
  bot.use(
    stepAction('ocStreetNone', ['street'], async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      await go(ctx, staff, { ...d, street: null, streetId: null, streetIds: undefined }, 'street', 'edit');
    }),
  );
  bot.use(
    stepAction('ocSkip', ['apartment', 'comment'], async (ctx, _args, staff, d, step) => {
      await ctx.answerCbQuery();
      const next: Draft = step === 'apartment' ? { ...d, apartment: null } : { ...d, comment: null };
      await go(ctx, staff, next, step, 'edit');
    }),
  );

  // ── Category, slot, type, files ───────────────────────────────────────────────────────
  bot.use(
    stepAction('ocCategory', ['category'], async (ctx, { category }, staff, d) => {
      if (!(await activeCategories(db)).includes(category)) {
        await ctx.answerCbQuery(texts.notFound, { show_alert: true });
        return;
      }
      await ctx.answerCbQuery();
      await go(ctx, staff, { ...d, category }, 'category', 'edit');
    }),
  );

  async function slotCtx(staff: StaffMember, d: Draft) {
    const city = d.cityId === undefined ? undefined : await scopedCity(db, staff, d.cityId);
    return city && slotContext(city, await deps.dispatch.settings.get());
  }

  const SLOT_STEPS: readonly Step[] = ['slot', 'slotsOfDate', 'slotDate', 'late'];

  bot.use(
    stepAction('ocAsap', ['slot', 'slotsOfDate'], async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      const sc = await slotCtx(staff, d);
      if (!sc) return show(ctx, staff, d, 'slot', 'edit'); // renders the out-of-scope end
      const decision = asapDecision({ ...sc, tz: sc.city.timezone });
      if (decision.kind === 'late') return show(ctx, staff, d, 'late', 'edit');
      await go(ctx, staff, { ...d, slot: { kind: 'asap' } }, 'slot', 'edit');
    }),
  );
  bot.use(
    stepAction('ocLateOk', ['late'], async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      const sc = await slotCtx(staff, d);
      if (!sc) return show(ctx, staff, d, 'slot', 'edit');
      const decision = asapDecision({ ...sc, tz: sc.city.timezone });
      const slot: SlotChoice =
        decision.kind === 'late'
          ? {
              kind: 'slot',
              date: decision.slot.date,
              start: decision.slot.bucket.start,
              end: decision.slot.bucket.end,
            }
          : { kind: 'asap' };
      await go(ctx, staff, { ...d, slot }, 'slot', 'edit');
    }),
  );
  bot.use(
    stepAction('ocSlot', ['slot', 'slotsOfDate'], async (ctx, { day, idx }, staff, d) => {
      const sc = await slotCtx(staff, d);
      if (!sc) {
        await ctx.answerCbQuery();
        return show(ctx, staff, d, 'slot', 'edit');
      }
      const tz = sc.city.timezone;
      const today = localDateOf(sc.now, tz);
      const date = day === 't' ? today : day === 'm' ? addLocalDays(today, 1, tz) : d.slotDate;
      const slot = date ? slotsOn(date, sc.buckets, tz)[idx] : undefined;
      if (!slot || !isSlotOpen(slot, sc.now)) {
        // Over since the buttons were drawn (or the setting changed): offer fresh ones.
        await ctx.answerCbQuery(T.error.slotOverAlert);
        return show(ctx, staff, d, 'slot', 'edit', T.error.slotOver);
      }
      await ctx.answerCbQuery();
      const choice: SlotChoice = {
        kind: 'slot',
        date: slot.date,
        start: slot.bucket.start,
        end: slot.bucket.end,
      };
      await go(ctx, staff, { ...d, slot: choice }, 'slot', 'edit');
    }),
  );
  bot.use(
    stepAction('ocSlotDate', ['slot', 'slotsOfDate'], async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      await show(ctx, staff, d, 'slotDate', 'edit');
    }),
  );
  bot.use(
    stepAction('ocSlotMenu', SLOT_STEPS, async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      await show(ctx, staff, d, 'slot', 'edit');
    }),
  );
  bot.use(
    stepAction('ocType', ['type'], async (ctx, { type }, staff, d) => {
      await ctx.answerCbQuery();
      await go(ctx, staff, { ...d, type }, 'type', 'edit');
    }),
  );
  bot.use(
    stepAction('ocFilesAdd', ['files'], async (ctx) => {
      await ctx.answerCbQuery();
      await ctx.reply(T.prompt.filesSend, {
        reply_markup: inlineKeyboard([[cbButton(T.buttons.filesDone, 'ocFilesDone', {})]]),
      });
    }),
  );
  bot.use(
    stepAction('ocFilesDone', ['files'], async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      await go(ctx, staff, d, 'files', 'edit');
    }),
  );
  bot.use(
    stepAction('ocFilesClear', ['files'], async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      await files.clear(d.nonce);
      await show(ctx, staff, d, 'files', 'edit', T.filesCleared);
    }),
  );

  // ── Card, edit, back, cancel ──────────────────────────────────────────────────────────
  bot.use(
    stepAction('ocEditMenu', ['confirm'], async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      await show(ctx, staff, d, 'editMenu', 'edit');
    }),
  );
  bot.use(
    stepAction('ocEditField', ['editMenu'], async (ctx, { field }, staff, d) => {
      await ctx.answerCbQuery();
      await show(ctx, staff, { ...d, editing: true }, FIELD_STEP[field], 'edit');
    }),
  );
  bot.use(
    stepAction('ocConfirm', ['editMenu'], async (ctx, _args, staff, d) => {
      await ctx.answerCbQuery();
      await show(ctx, staff, d, 'confirm', 'edit');
    }),
  );
  bot.use(
    stepAction('ocBack', 'any', async (ctx, _args, staff, d, step) => {
      await ctx.answerCbQuery();
      await show(ctx, staff, d, previousStep(d, step), 'edit');
    }),
  );
  bot.use(
    staffAction('ocCancel', 'orders', async (ctx) => {
      await ctx.answerCbQuery();
      const w = ctx.session?.wizard?.kind === WIZARD_KIND ? ctx.session.wizard : undefined;
      if (w) await abandon(ctx, w.data as unknown as Draft);
      await present(ctx, T.canceled, undefined, 'edit');
      await showMenu(ctx, 'reply');
    }),
  );
  bot.use(
    stepAction('ocCreate', ['confirm'], async (ctx, _args, staff, d) => {
      await create(ctx, staff, d);
    }),
  );

  // ── Creation ──────────────────────────────────────────────────────────────────────────
  async function create(ctx: AdminContext, staff: StaffMember, d: Draft): Promise<void> {
    const sc = await slotCtx(staff, d);
    if (!sc) {
      await ctx.answerCbQuery(T.error.outOfScope, { show_alert: true });
      await abandon(ctx, d);
      await present(ctx, T.error.outOfScope, inlineKeyboard([menuRow()]), 'edit');
      return;
    }
    if (!isComplete(d)) {
      // Cannot happen through the buttons; an incomplete draft goes back to its first gap.
      await ctx.answerCbQuery();
      return show(ctx, staff, { ...d, editing: false }, d.category ? 'slot' : 'category', 'edit');
    }
    const outcome = await submitDraft(deps, files, staff, d, sc);
    switch (outcome.kind) {
      case 'late':
        await ctx.answerCbQuery();
        return show(ctx, staff, d, 'late', 'edit');
      case 'slotOver':
        await ctx.answerCbQuery(T.error.slotOverAlert);
        return show(ctx, staff, { ...d, slot: undefined }, 'slot', 'edit', T.error.slotOver);
      case 'duplicate':
        await ctx.answerCbQuery(T.alreadyCreating);
        return;
      case 'created': {
        await ctx.answerCbQuery();
        clearWizard(ctx);
        const s = createdScreen(outcome.result, d, sc.city.timezone);
        await present(ctx, s.text, s.keyboard, 'edit');
      }
    }
  }

  // ── Typed input ───────────────────────────────────────────────────────────────────────
  /** Applies a parsed value or repeats the step with the error above its prompt. */
  async function accept<V>(
    ctx: AdminContext,
    staff: StaffMember,
    d: Draft,
    step: Step,
    parsed: Parsed<V>,
    apply: (v: V) => Draft,
  ): Promise<void> {
    if (!parsed.ok) return show(ctx, staff, d, step, 'reply', parsed.error);
    await go(ctx, staff, apply(parsed.value), step, 'reply');
  }

  async function onText(
    ctx: AdminContext,
    staff: StaffMember,
    d: Draft,
    step: Step,
    text: string,
  ): Promise<void> {
    switch (step) {
      case 'quickPhone': {
        const phone = parseClientPhone(text);
        if (!phone.ok) return show(ctx, staff, d, step, 'reply', phone.error);
        const last = await lastOrderByPhone(db, staff, phone.value);
        if (!last) {
          const next: Draft = { nonce: d.nonce, mode: 'quick', reused: false, clientPhone: phone.value };
          return show(ctx, staff, next, 'city', 'reply', T.quickNotFound);
        }
        const next: Draft = {
          nonce: d.nonce,
          mode: 'quick',
          reused: true,
          cityId: last.city_id,
          cityName: last.city_name,
          districtId: last.district_name ? last.district_id : null,
          districtName: last.district_name,
          streetId: last.street_id,
          street: last.street,
          house: last.house ?? undefined,
          apartment: last.apartment,
          clientName: last.client_name,
          clientPhone: phone.value,
        };
        return show(ctx, staff, next, nextStep(next, 'quickPhone'), 'reply', quickFoundNote(next));
      }
      case 'city': {
        const q = parseQuery(text);
        if (!q.ok) return show(ctx, staff, d, step, 'reply', q.error);
        const found = await searchCities(db, staff, q.value);
        if (found.length === 0) return show(ctx, staff, d, step, 'reply', T.error.noCityMatch);
        if (found.length === 1 && (await chooseCity(ctx, staff, d, found[0]!.id, 'reply'))) return;
        return show(ctx, staff, d, step, 'reply', undefined, { query: q.value, found });
      }
      case 'district': {
        const q = parseQuery(text);
        if (!q.ok) return show(ctx, staff, d, step, 'reply', q.error);
        const found = d.cityId === undefined ? [] : await searchDistricts(db, d.cityId, q.value);
        if (found.length === 0) return show(ctx, staff, d, step, 'reply', T.error.noDistrictMatch);
        if (found.length === 1)
          return go(
            ctx,
            staff,
            { ...d, districtId: found[0]!.id, districtName: found[0]!.name },
            step,
            'reply',
          );
        return show(ctx, staff, d, step, 'reply', undefined, { query: q.value, found });
      }
      case 'street': {
        const q = parseQuery(text);
        if (!q.ok) return show(ctx, staff, d, step, 'reply', q.error);
        const streets = d.cityId === undefined ? [] : await searchStreets(db, d.cityId, q.value);
        if (streets.length === 0) return show(ctx, staff, d, step, 'reply', T.error.noStreetMatch);
        const next: Draft = { ...d, streetIds: streets.map((s) => s.id) };
        return show(ctx, staff, next, step, 'reply', undefined, { query: q.value, streets });
      }
      case 'streetManual':
        return accept(ctx, staff, d, step, parseStreetName(text), (street) => ({
          ...d,
          street,
          streetId: null,
          streetIds: undefined,
        }));
      case 'house':
        return accept(ctx, staff, d, step, parseHouse(text), (house) => ({ ...d, house }));
      case 'apartment':
        return accept(ctx, staff, d, step, parseApartment(text), (apartment) => ({ ...d, apartment }));
      case 'comment':
        return accept(ctx, staff, d, step, parseComment(text), (comment) => ({ ...d, comment }));
      case 'name':
        return accept(ctx, staff, d, step, parseClientName(text), (clientName) => ({ ...d, clientName }));
      case 'phone':
        return accept(ctx, staff, d, step, parseClientPhone(text), (clientPhone) => ({ ...d, clientPhone }));
      case 'description':
        return accept(ctx, staff, d, step, parseDescription(text), (description) => ({ ...d, description }));
      case 'slot':
      case 'slotDate':
      case 'slotsOfDate': {
        const sc = await slotCtx(staff, d);
        if (!sc) return show(ctx, staff, d, 'slot', 'reply');
        const parsed = parseSlotDate(text, sc.now, sc.city.timezone);
        if (!parsed.ok) {
          const error =
            parsed.reason === 'past'
              ? T.error.datePast
              : parsed.reason === 'too_far'
                ? T.error.dateTooFar
                : T.error.date;
          return show(ctx, staff, d, step === 'slot' ? 'slotDate' : step, 'reply', error);
        }
        return show(ctx, staff, { ...d, slotDate: parsed.date }, 'slotsOfDate', 'reply');
      }
      default:
        return show(ctx, staff, d, step, 'reply', T.useButtons);
    }
  }

  bot.on('message', async (ctx, next) => {
    if (ctx.session?.wizard?.kind !== WIZARD_KIND) return next();
    const msg = ctx.message;
    const text = 'text' in msg ? msg.text : undefined;
    if (text?.startsWith('/')) return next();
    const w = currentWizard(ctx, WIZARD_KIND);
    if (w === 'expired') {
      await ctx.reply(texts.sessionExpired);
      return;
    }
    const staff = ctx.staff;
    if (!w || !staff || !can(staff, 'orders')) return next();
    const d = w.data as unknown as Draft;
    const step = w.step as Step;

    if (step === 'files') {
      const file = fileOfMessage(msg);
      if (!file) return show(ctx, staff, d, step, 'reply', T.error.fileExpected);
      const n = await files.add(d.nonce, file);
      if (n === 'full') return show(ctx, staff, d, step, 'reply', T.error.tooManyFiles);
      setWizard(ctx, { kind: WIZARD_KIND, step, data: w.data }); // activity stamp
      await ctx.reply(T.fileAdded(file.fileType === 'photo' ? 'photo' : 'document', n), {
        reply_markup: inlineKeyboard([[cbButton(T.buttons.filesDone, 'ocFilesDone', {})]]),
      });
      return;
    }
    if (text === undefined) {
      return show(ctx, staff, d, step, 'reply', TEXT_STEPS.has(step) ? T.needText : T.useButtons);
    }
    await onText(ctx, staff, d, step, text);
  });
}
