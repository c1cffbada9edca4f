import { randomUUID } from 'node:crypto';
import { addLocalDays, asapDecision, isSlotOpen, localDateOf, parseSlotDate, slotsOn } from '@fs/domain';
import { fileOfMessage, inlineKeyboard } from '@fs/telegram';
import { Composer, type MiddlewareFn, TelegramError } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { z } from 'zod';
import { type CallbackArgs, type CallbackName, cbButton } from '../../callbacks';
import type { AdminContext } from '../../context';
import { menuRow } from '../../keyboards/menu';
import { capable, closedWizardText, staffAction, wizardInput } from '../../middlewares/guard';
import {
  activeCategories,
  districtOfCity,
  lastOrderByPhone,
  scopedCity,
  searchCities,
  searchDistricts,
  searchStreets,
  streetOfCity,
} from '../../queries/order-create';
import type { StaffMember } from '../../queries/staff';
import { hasCities } from '../../scope';
import { texts } from '../../texts';
import { showMenu } from '../menu';
import {
  type Draft,
  nextStep,
  orderCreateWizard,
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
} from './draft';
import { DraftFiles } from './files';
import {
  bookable,
  createdScreen,
  modeScreen,
  quickFoundNote,
  renderStep,
  type ScreenInput,
  slotContext,
} from './screens';
import { isComplete, submitDraft } from './submit';

/**
 * Order creation: "➕ Новый заказ" → ⚡ quick create (by the client's phone, reusing the last
 * address) or 📝 the full wizard → confirmation card → createOrder. State lives in the Redis
 * session (one wizard per staff member), attached files in a Redis list per wizard run.
 */
export const orderCreate = new Composer<AdminContext>();

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

const files = (ctx: AdminContext) => new DraftFiles(ctx.deps.redis, ctx.deps.config.REDIS_PREFIX);
const newDraft = (mode: Draft['mode']): Draft => ({ nonce: randomUUID(), mode });

// ── Entry and mode ────────────────────────────────────────────────────────────────────
orderCreate.use(
  staffAction('orderCreateMenu', 'orders', async (ctx, _args, staff) => {
    await ctx.answerCbQuery();
    if (!hasCities(staff)) return present(ctx, T.noCities, inlineKeyboard([menuRow()]), 'edit');
    const s = modeScreen();
    await present(ctx, s.text, s.keyboard, 'edit');
  }),
);
orderCreate.use(
  staffAction('ocQuick', 'orders', async (ctx, _args, staff) => {
    await ctx.answerCbQuery();
    if (!hasCities(staff)) return present(ctx, T.noCities, inlineKeyboard([menuRow()]), 'edit');
    await show(ctx, staff, newDraft('quick'), 'quickPhone', 'edit');
  }),
);
orderCreate.use(
  staffAction('ocFull', 'orders', async (ctx, _args, staff) => {
    await ctx.answerCbQuery();
    if (!hasCities(staff)) return present(ctx, T.noCities, inlineKeyboard([menuRow()]), 'edit');
    await show(ctx, staff, newDraft('full'), 'city', 'edit');
  }),
);

// ── Address ───────────────────────────────────────────────────────────────────────────
orderCreate.use(
  stepAction('ocCity', ['city'], async (ctx, { cityId }, staff, d) => {
    if (!(await scopedCity(ctx.deps.db, staff, cityId))) {
      await ctx.answerCbQuery(texts.notInScope, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    await chooseCity(ctx, staff, d, cityId, 'edit');
  }),
);
orderCreate.use(pageAction('ocCityPage', 'city'));
orderCreate.use(
  stepAction('ocDistrict', ['district'], async (ctx, { districtId }, staff, d) => {
    const district =
      d.cityId === undefined ? undefined : await districtOfCity(ctx.deps.db, d.cityId, districtId);
    if (!district) {
      await ctx.answerCbQuery(T.districtNotInCity, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    await go(ctx, staff, { ...d, districtId: district.id, districtName: district.name }, 'district', 'edit');
  }),
);
orderCreate.use(
  stepMove('ocDistrictNone', ['district'], (ctx, _args, staff, d) =>
    go(ctx, staff, { ...d, districtId: null, districtName: null }, 'district', 'edit'),
  ),
);
orderCreate.use(pageAction('ocDistrictPage', 'district'));
orderCreate.use(
  stepAction('ocStreet', ['street'], async (ctx, { streetId }, staff, d) => {
    const street =
      d.cityId !== undefined && d.streetIds?.includes(streetId)
        ? await streetOfCity(ctx.deps.db, d.cityId, streetId)
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
    const next: Draft = { ...d, ...district, street: street.name, streetId: street.id, streetIds: undefined };
    await go(ctx, staff, next, 'street', 'edit');
  }),
);
orderCreate.use(
  stepMove('ocStreetManual', ['street'], (ctx, _args, staff, d) =>
    show(ctx, staff, d, 'streetManual', 'edit'),
  ),
);
orderCreate.use(
  stepMove('ocStreetNone', ['street'], (ctx, _args, staff, d) =>
    go(ctx, staff, { ...d, street: null, streetId: null, streetIds: undefined }, 'street', 'edit'),
  ),
);
orderCreate.use(
  stepAction('ocSkip', ['apartment', 'comment'], async (ctx, _args, staff, d, step) => {
    await ctx.answerCbQuery();
    const next: Draft = step === 'apartment' ? { ...d, apartment: null } : { ...d, comment: null };
    await go(ctx, staff, next, step, 'edit');
  }),
);

// ── Category, slot, type, files ───────────────────────────────────────────────────────
orderCreate.use(
  stepAction('ocCategory', ['category'], async (ctx, { category }, staff, d) => {
    if (!(await activeCategories(ctx.deps.db)).includes(category)) {
      await ctx.answerCbQuery(texts.notFound, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    await go(ctx, staff, { ...d, category }, 'category', 'edit');
  }),
);

const SLOT_STEPS: readonly Step[] = ['slot', 'slotsOfDate', 'slotDate', 'late'];

orderCreate.use(
  stepAction('ocAsap', ['slot', 'slotsOfDate'], async (ctx, _args, staff, d) => {
    await ctx.answerCbQuery();
    const sc = await slotCtx(ctx, staff, d);
    if (!sc) return show(ctx, staff, d, 'slot', 'edit'); // renders the out-of-scope end
    const decision = asapDecision({ ...sc, tz: sc.city.timezone });
    if (decision.kind === 'late') return show(ctx, staff, d, 'late', 'edit');
    await go(ctx, staff, { ...d, slot: { kind: 'asap' } }, 'slot', 'edit');
  }),
);
orderCreate.use(
  stepAction('ocLateOk', ['late'], async (ctx, _args, staff, d) => {
    await ctx.answerCbQuery();
    const sc = await slotCtx(ctx, staff, d);
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
orderCreate.use(
  stepAction('ocSlot', ['slot', 'slotsOfDate'], async (ctx, { day, idx }, staff, d) => {
    const sc = await slotCtx(ctx, staff, d);
    if (!sc) {
      await ctx.answerCbQuery();
      return show(ctx, staff, d, 'slot', 'edit');
    }
    const tz = sc.city.timezone;
    const today = localDateOf(sc.now, tz);
    const date = day === 't' ? today : day === 'm' ? addLocalDays(today, 1, tz) : d.slotDate;
    const slot = date ? slotsOn(date, sc.buckets, tz)[idx] : undefined;
    if (!slot || !bookable(slot, sc)) {
      // Over (or too close to its end) since the buttons were drawn, or the setting changed:
      // offer fresh ones.
      const over = !slot || !isSlotOpen(slot, sc.now);
      await ctx.answerCbQuery(over ? T.error.slotOverAlert : T.error.slotTooSoonAlert(sc.leadMinutes));
      const note = over ? T.error.slotOver : T.error.slotTooSoon(sc.leadMinutes);
      return show(ctx, staff, d, 'slot', 'edit', note);
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
orderCreate.use(
  stepMove('ocSlotDate', ['slot', 'slotsOfDate'], (ctx, _args, staff, d) =>
    show(ctx, staff, d, 'slotDate', 'edit'),
  ),
);
orderCreate.use(
  stepMove('ocSlotMenu', SLOT_STEPS, (ctx, _args, staff, d) => show(ctx, staff, d, 'slot', 'edit')),
);
orderCreate.use(
  stepMove('ocType', ['type'], (ctx, { type }, staff, d) => go(ctx, staff, { ...d, type }, 'type', 'edit')),
);
orderCreate.use(
  stepAction('ocFilesAdd', ['files'], async (ctx) => {
    await ctx.answerCbQuery();
    await ctx.reply(T.prompt.filesSend, {
      reply_markup: inlineKeyboard([[cbButton(T.buttons.filesDone, 'ocFilesDone', {})]]),
    });
  }),
);
orderCreate.use(
  stepMove('ocFilesDone', ['files'], (ctx, _args, staff, d) => go(ctx, staff, d, 'files', 'edit')),
);
orderCreate.use(
  stepAction('ocFilesClear', ['files'], async (ctx, _args, staff, d) => {
    await ctx.answerCbQuery();
    await files(ctx).clear(d.nonce);
    await show(ctx, staff, d, 'files', 'edit', T.filesCleared);
  }),
);

// ── Card, edit, back, cancel, create ──────────────────────────────────────────────────
orderCreate.use(
  stepMove('ocEditMenu', ['confirm'], (ctx, _args, staff, d) => show(ctx, staff, d, 'editMenu', 'edit')),
);
orderCreate.use(
  stepMove('ocEditField', ['editMenu'], (ctx, { field }, staff, d) =>
    show(ctx, staff, { ...d, editing: true }, FIELD_STEP[field], 'edit'),
  ),
);
orderCreate.use(
  stepMove('ocConfirm', ['editMenu'], (ctx, _args, staff, d) => show(ctx, staff, d, 'confirm', 'edit')),
);
orderCreate.use(
  stepMove('ocBack', 'any', (ctx, _args, staff, d, step) =>
    show(ctx, staff, d, previousStep(d, step), 'edit'),
  ),
);
orderCreate.use(
  staffAction('ocCancel', 'orders', async (ctx) => {
    await ctx.answerCbQuery();
    const w = ctx.wizard.get(orderCreateWizard);
    if (w && w !== 'expired') await abandon(ctx, w.draft);
    await present(ctx, T.canceled, undefined, 'edit');
    await showMenu(ctx, 'reply');
  }),
);
orderCreate.use(stepAction('ocCreate', ['confirm'], (ctx, _args, staff, d) => create(ctx, staff, d)));

// ── /start with a draft: continue or discard ────────────────────────────────────────
/**
 * /start while an order draft with something in it is open: the draft is kept (in Redis, so a
 * restart does not lose it) and staff choose ▶️ Продолжить or 🗑 Удалить черновик. Register
 * before the menu's /start. An empty draft (nothing chosen yet) is left as before.
 */
export const draftOnStart = new Composer<AdminContext>();

draftOnStart.start(async (ctx, next) => {
  const w = ctx.wizard.get(orderCreateWizard);
  if (!ctx.staff || !w || w === 'expired' || !hasContent(w.draft)) return next();
  const d = w.draft;
  const what = [d.cityName, d.clientName, d.clientPhone].filter(Boolean).join(', ') || null;
  await ctx.reply(T.draftPending(what), {
    parse_mode: 'HTML',
    reply_markup: inlineKeyboard([
      [cbButton(T.buttons.resume, 'ocResume', {})],
      [cbButton(T.buttons.discard, 'ocDiscard', {})],
    ]),
  });
});

const hasContent = (d: Draft) => d.cityId !== undefined || d.clientPhone !== undefined;

orderCreate.use(
  stepMove('ocResume', 'any', (ctx, _args, staff, d, step) => show(ctx, staff, d, step, 'edit')),
);
orderCreate.use(
  stepAction('ocDiscard', 'any', async (ctx, _args, _staff, d) => {
    await ctx.answerCbQuery(T.draftDiscarded);
    await abandon(ctx, d);
    await showMenu(ctx, 'edit');
  }),
);

// ── Typed input ───────────────────────────────────────────────────────────────────────
orderCreate.use(
  wizardInput(orderCreateWizard, capable('orders'), async (ctx, { step, draft: d }, text, staff) => {
    if (step === 'files') return addFile(ctx, staff, d);
    if (text === undefined) {
      return show(ctx, staff, d, step, 'reply', TEXT_STEPS.has(step) ? T.needText : T.useButtons);
    }
    const field = FIELD_INPUTS[step];
    if (field) {
      const parsed = field(d, text);
      if (!parsed.ok) return show(ctx, staff, d, step, 'reply', parsed.error);
      return go(ctx, staff, parsed.value, step, 'reply');
    }
    switch (step) {
      case 'quickPhone':
        return quickPhone(ctx, staff, d, text);
      case 'city':
      case 'district':
      case 'street':
        return addressSearch(ctx, staff, d, step, text);
      case 'slot':
      case 'slotDate':
      case 'slotsOfDate':
        return slotDate(ctx, staff, d, step, text);
      default:
        return show(ctx, staff, d, step, 'reply', T.useButtons);
    }
  }),
);

const parsedDraft = <V>(p: Parsed<V>, apply: (v: V) => Draft): Parsed<Draft> =>
  p.ok ? { ok: true, value: apply(p.value) } : p;

/** The steps that take one typed value: its rule and where it goes in the draft. */
const FIELD_INPUTS: Partial<Record<Step, (d: Draft, text: string) => Parsed<Draft>>> = {
  streetManual: (d, t) =>
    parsedDraft(parseStreetName(t), (street) => ({ ...d, street, streetId: null, streetIds: undefined })),
  house: (d, t) => parsedDraft(parseHouse(t), (house) => ({ ...d, house })),
  apartment: (d, t) => parsedDraft(parseApartment(t), (apartment) => ({ ...d, apartment })),
  comment: (d, t) => parsedDraft(parseComment(t), (comment) => ({ ...d, comment })),
  name: (d, t) => parsedDraft(parseClientName(t), (clientName) => ({ ...d, clientName })),
  phone: (d, t) => parsedDraft(parseClientPhone(t), (clientPhone) => ({ ...d, clientPhone })),
  description: (d, t) => parsedDraft(parseDescription(t), (description) => ({ ...d, description })),
};

/** ⚡ Quick create: the client's phone; their last order's address is reused when there is one. */
async function quickPhone(ctx: AdminContext, staff: StaffMember, d: Draft, text: string): Promise<void> {
  const phone = parseClientPhone(text);
  if (!phone.ok) return show(ctx, staff, d, 'quickPhone', 'reply', phone.error);
  const last = await lastOrderByPhone(ctx.deps.db, staff, phone.value);
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
  await show(ctx, staff, next, nextStep(next, 'quickPhone'), 'reply', quickFoundNote(next));
}

/** A typed search on the city, district or street step (one city or district match is taken). */
async function addressSearch(
  ctx: AdminContext,
  staff: StaffMember,
  d: Draft,
  step: 'city' | 'district' | 'street',
  text: string,
): Promise<void> {
  const { db } = ctx.deps;
  const q = parseQuery(text);
  if (!q.ok) return show(ctx, staff, d, step, 'reply', q.error);
  if (step === 'city') {
    const found = await searchCities(db, staff, q.value);
    if (found.length === 0) return show(ctx, staff, d, step, 'reply', T.error.noCityMatch);
    if (found.length === 1 && (await chooseCity(ctx, staff, d, found[0]!.id, 'reply'))) return;
    return show(ctx, staff, d, step, 'reply', undefined, { query: q.value, found });
  }
  if (step === 'district') {
    const found = d.cityId === undefined ? [] : await searchDistricts(db, d.cityId, q.value);
    if (found.length === 0) return show(ctx, staff, d, step, 'reply', T.error.noDistrictMatch);
    if (found.length === 1) {
      return go(ctx, staff, { ...d, districtId: found[0]!.id, districtName: found[0]!.name }, step, 'reply');
    }
    return show(ctx, staff, d, step, 'reply', undefined, { query: q.value, found });
  }
  const streets = d.cityId === undefined ? [] : await searchStreets(db, d.cityId, q.value);
  if (streets.length === 0) return show(ctx, staff, d, step, 'reply', T.error.noStreetMatch);
  const next: Draft = { ...d, streetIds: streets.map((s) => s.id) };
  await show(ctx, staff, next, step, 'reply', undefined, { query: q.value, streets });
}

/** "📅 Другая дата": a typed ДД.ММ, then that date's slots. */
async function slotDate(
  ctx: AdminContext,
  staff: StaffMember,
  d: Draft,
  step: 'slot' | 'slotDate' | 'slotsOfDate',
  text: string,
): Promise<void> {
  const sc = await slotCtx(ctx, staff, d);
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
  await show(ctx, staff, { ...d, slotDate: parsed.date }, 'slotsOfDate', 'reply');
}

/** A photo or document on the files step (kept in Redis, see files.ts). */
async function addFile(ctx: AdminContext, staff: StaffMember, d: Draft): Promise<void> {
  const file = ctx.message ? fileOfMessage(ctx.message) : null;
  if (!file) return show(ctx, staff, d, 'files', 'reply', T.error.fileExpected);
  const n = await files(ctx).add(d.nonce, file);
  if (n === 'full') return show(ctx, staff, d, 'files', 'reply', T.error.tooManyFiles);
  await ctx.reply(T.fileAdded(file.fileType === 'photo' ? 'photo' : 'document', n), {
    reply_markup: inlineKeyboard([[cbButton(T.buttons.filesDone, 'ocFilesDone', {})]]),
  });
}

// ── Creation ──────────────────────────────────────────────────────────────────────────
async function create(ctx: AdminContext, staff: StaffMember, d: Draft): Promise<void> {
  const sc = await slotCtx(ctx, staff, d);
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
  const outcome = await submitDraft(ctx.deps, files(ctx), staff, d, sc);
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
      ctx.wizard.finish({ orderId: outcome.result.orderId });
      const s = createdScreen(outcome.result, d, sc.city.timezone, sc.now);
      await present(ctx, s.text, s.keyboard, 'edit');
    }
  }
}

/** How a wizard run that created its order ended (a late ✅ Создать names the order). */
const createdResult = z.object({ why: z.literal('left'), result: z.object({ orderId: z.number().int() }) });

// ── The wizard's moves ────────────────────────────────────────────────────────────────
/** ◀️/▶️ under a long choice (cities, districts): the same step, another page. */
function pageAction(
  name: 'ocCityPage' | 'ocDistrictPage',
  step: 'city' | 'district',
): MiddlewareFn<AdminContext> {
  return stepMove(name, [step], (ctx, { page }, staff, d) =>
    show(ctx, staff, d, step, 'edit', undefined, { page }),
  );
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
): MiddlewareFn<AdminContext> {
  return staffAction(name, 'orders', async (ctx, args, staff) => {
    const w = ctx.wizard.get(orderCreateWizard);
    if (w === undefined || w === 'expired') {
      const created = createdResult.safeParse(ctx.wizard.whyClosed(orderCreateWizard));
      const text = created.success
        ? T.alreadyCreated(created.data.result.orderId)
        : closedWizardText(ctx, orderCreateWizard);
      await ctx.answerCbQuery(text, { show_alert: true });
      return;
    }
    if (steps !== 'any' && !steps.includes(w.step)) {
      await ctx.answerCbQuery(T.staleStep);
      return;
    }
    await handler(ctx, args, staff, w.draft, w.step);
  });
}

/** A step button that only moves the wizard: answered at once, then `move`. */
function stepMove<N extends CallbackName>(
  name: N,
  steps: readonly Step[] | 'any',
  move: (ctx: AdminContext, args: CallbackArgs<N>, staff: StaffMember, d: Draft, step: Step) => Promise<void>,
): MiddlewareFn<AdminContext> {
  return stepAction(name, steps, async (ctx, args, staff, d, step) => {
    await ctx.answerCbQuery();
    await move(ctx, args, staff, d, step);
  });
}

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
    await abandon(ctx, d);
    const s = modeScreen();
    await present(ctx, s.text, s.keyboard, how);
    return;
  }
  const draft = step === 'confirm' ? { ...d, editing: true } : d;
  const screen = await renderStep(
    { deps: ctx.deps, staff, fileCount: () => files(ctx).count(d.nonce) },
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
  ctx.wizard.set(orderCreateWizard, { step, draft });
  await present(ctx, note ? `${note}\n\n${screen.text}` : screen.text, screen.keyboard, how);
}

const go = (
  ctx: AdminContext,
  staff: StaffMember,
  d: Draft,
  from: Step,
  how: 'edit' | 'reply',
  note?: string,
) => show(ctx, staff, d, nextStep(d, from), how, note);

async function abandon(ctx: AdminContext, d: Draft): Promise<void> {
  ctx.wizard.clear();
  await files(ctx).clear(d.nonce);
}

async function chooseCity(
  ctx: AdminContext,
  staff: StaffMember,
  d: Draft,
  cityId: number,
  how: 'edit' | 'reply',
): Promise<boolean> {
  const city = await scopedCity(ctx.deps.db, staff, cityId);
  if (!city) return false;
  const next: Draft =
    d.cityId === city.id
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

async function slotCtx(ctx: AdminContext, staff: StaffMember, d: Draft) {
  const city = d.cityId === undefined ? undefined : await scopedCity(ctx.deps.db, staff, d.cityId);
  return city && slotContext(city, await ctx.deps.dispatch.settings.get(), ctx.deps.now());
}

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
