import {
  type ActFile,
  checkPayout,
  findReferrer,
  type PayoutDetails,
  parseBankAccount,
  parseCardNumber,
  parseFullName,
  parseSbpPhone,
  parseVehiclePlate,
  parseYoomoney,
  REFERRAL_CODE_SHAPE,
  type RegistrationField,
  registrationRefusal,
  SBP_BANKS,
  submitMasterRegistration,
} from '@fs/dispatch';
import { formatPhoneForCall, isValidPoint, normalizeRuPhone } from '@fs/domain';
import { fileOfMessage, inlineKeyboard, NO_KEYBOARD, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { type CallbackArgs, type CallbackName, callbackOf, cbButton, onCallback } from '../../callbacks';
import type { MasterBotDeps, MasterContext } from '../../context';
import { closedWizardText } from '../../middlewares/guard';
import {
  activeCity,
  activeSkills,
  cityDistricts,
  loadStoredProfile,
  searchCities,
} from '../../queries/onboarding';
import { mt } from '../../texts';
import { showMenu } from '../start';
import {
  applies,
  editableSections,
  firstMissing,
  newOnboarding,
  nextStep,
  previousStep,
  SECTION_STEPS,
  settle,
  type WizardState,
} from './flow';
import { ONBOARDING_STEPS, type OnboardingStep, onboardingWizard } from './state';
import { navKeyboard, sharePhoneKeyboard, stepView } from './views';

const ob = mt.onboarding;
const CITY_QUERY_MAX = 100;

async function documentsRequired(ctx: MasterContext): Promise<boolean> {
  return (await ctx.deps.dispatch.settings.get()).onboarding_require_documents;
}

/**
 * Saves the form (stamping its activity) and shows its current step: edits the pressed message
 * (callbacks) or sends a new one (answers to typed input).
 */
async function show(
  ctx: MasterContext,
  state: WizardState,
  how: 'edit' | 'reply',
  opts: { page?: number; lead?: string } = {},
): Promise<void> {
  const docs = await documentsRequired(ctx);
  const s = settle(state, docs);
  ctx.wizard.set(onboardingWizard, s);
  const view = await stepView(ctx.deps, s, docs, opts);
  // A reply keyboard cannot share a message with the step's inline buttons: it comes first.
  if (s.step === 'phone') await ctx.reply(ob.ask.phoneShare, { reply_markup: sharePhoneKeyboard() });
  const extra = { parse_mode: 'HTML' as const, reply_markup: view.markup };
  if (how === 'edit' && ctx.callbackQuery?.message) await safeEdit(ctx, view.text, extra);
  else await ctx.reply(view.text, extra);
}

/** The step after `from`, with the documents setting applied. */
async function advance(ctx: MasterContext, s: WizardState, from: OnboardingStep): Promise<WizardState> {
  return { ...s, step: nextStep(s, from, await documentsRequired(ctx)) };
}

/**
 * A wizard button: answered "session expired" (or "no longer relevant", see closedWizardText) without an open form, "outdated" when the form
 * is at another step (an old message); otherwise the handler gets the form without its stamp.
 */
function onStep<N extends CallbackName>(
  name: N,
  steps: readonly OnboardingStep[],
  handler: (ctx: MasterContext, s: WizardState, args: CallbackArgs<N>) => Promise<void>,
) {
  return onCallback(name, async (ctx: MasterContext, args: CallbackArgs<N>) => {
    const state = ctx.wizard.get(onboardingWizard);
    if (!state || state === 'expired') {
      await ctx.answerCbQuery(closedWizardText(ctx, onboardingWizard), { show_alert: true });
      return;
    }
    if (!steps.includes(state.step)) {
      await ctx.answerCbQuery(ob.staleStep, { show_alert: true });
      return;
    }
    await handler(ctx, state, args);
  });
}

/** Why this person may not fill in the form now (answered as an alert), or null. */
/**
 * ✅ Готово of a multi-choice step: the picks that are still on offer (a district or skill may
 * have gone meanwhile), or an alert and undefined when none is left.
 */
async function keptChoice<T>(
  ctx: MasterContext,
  picked: readonly T[] | undefined,
  valid: ReadonlySet<T>,
  noneText: string,
): Promise<T[] | undefined> {
  const chosen = (picked ?? []).filter((x) => valid.has(x));
  if (chosen.length === 0) {
    await ctx.answerCbQuery(noneText, { show_alert: true });
    return undefined;
  }
  await ctx.answerCbQuery();
  return chosen;
}

async function refusalText(ctx: MasterContext, tgUserId: number): Promise<string | null> {
  const refusal = await registrationRefusal(ctx.deps.db, tgUserId);
  if (refusal === 'deleted') return ob.errors.deleted;
  if (refusal === 'blocked') return ob.errors.blocked;
  if (refusal === 'already_approved') return ob.errors.approved;
  const master = ctx.master;
  if (master && master.moderation_status !== 'rejected') {
    return master.moderation_status === 'pending' ? ob.errors.pending : ob.errors.approved;
  }
  return null;
}

/** The form pre-filled from a rejected profile; values that no longer pass the rules are left out. */
async function prefilledFromProfile(deps: MasterBotDeps, tgUserId: number): Promise<WizardState | null> {
  const p = await loadStoredProfile(deps.db, tgUserId);
  if (!p) return null;
  const city = p.cityId ? await activeCity(deps.db, p.cityId) : undefined;
  const name = parseFullName(p.fullName);
  const payout = p.payout ? checkPayout(p.payout) : null;
  const plate = p.vehiclePlate ? parseVehiclePlate(p.vehiclePlate) : null;
  const state: WizardState = {
    ...newOnboarding(p.referrerCode),
    step: p.pdnAcceptedAt ? 'summary' : 'consent',
    fixing: true,
    hasVehicle: p.hasVehicle,
  };
  if (p.pdnAcceptedAt) state.pdnAcceptedAt = p.pdnAcceptedAt.toISOString();
  if (name.ok) state.fullName = name.value;
  const phone = p.phone ? normalizeRuPhone(p.phone) : null;
  if (phone) state.phone = phone;
  if (city) {
    state.cityId = city.id;
    state.cityHasDistricts = city.hasDistricts;
    state.districtIds = p.districtIds;
  }
  if (p.skills.length > 0) state.skills = p.skills;
  if (plate?.ok) state.vehiclePlate = plate.value;
  if (p.basePoint) state.basePoint = p.basePoint;
  if (p.payoutMethod) state.payoutMethod = p.payoutMethod;
  if (payout) state.payout = payout;
  if (p.passport) state.passport = p.passport;
  if (p.selfie) state.selfie = p.selfie;
  return state;
}

/**
 * The registration refused a stored value (e.g. the city was closed meanwhile): that value is
 * dropped and its section reopened, returning to the summary when answered.
 */
function reopen(s: WizardState, field: RegistrationField): WizardState {
  const base: WizardState = { ...s, editing: field, step: SECTION_STEPS[field][0]! };
  switch (field) {
    case 'city':
      return { ...base, cityId: undefined, cityHasDistricts: undefined, districtIds: [] };
    case 'districts':
      return { ...base, districtIds: [] };
    case 'skills':
      return { ...base, skills: [] };
    case 'payout':
      return { ...base, payout: undefined };
    case 'vehicle':
      return { ...base, vehiclePlate: undefined };
    default:
      return base;
  }
}

const isPassportFile = (f: ActFile) =>
  f.fileType === 'photo' || f.mimeType === 'application/pdf' || (f.mimeType ?? '').startsWith('image/');

const sameCityName = (a: string, b: string) =>
  a.trim().toLocaleLowerCase('ru-RU').replace(/ё/g, 'е') ===
  b.trim().toLocaleLowerCase('ru-RU').replace(/ё/g, 'е');

/** A referral code typed or kept: the referrer, or the reason it is refused. */
async function checkReferral(
  deps: MasterBotDeps,
  code: string,
  tgUserId: number,
): Promise<{ ok: true; code: string; name: string } | { ok: false; error: string }> {
  const normalised = code.trim().toUpperCase();
  if (!REFERRAL_CODE_SHAPE.test(normalised)) return { ok: false, error: ob.errors.referralFormat };
  const referrer = await findReferrer(deps.db, normalised);
  if (!referrer) return { ok: false, error: ob.errors.referralNotFound };
  if (referrer.tgUserId === tgUserId) return { ok: false, error: ob.errors.referralSelf };
  return { ok: true, code: normalised, name: referrer.fullName };
}

/**
 * Onboarding: consent, the profile wizard (state in the Redis session under `onboarding`, so a
 * restart or another replica continues it), the summary with edits, submission to moderation,
 * and fixing a rejected profile. /start opens the consent screen (start.ts); /cancel and
 * ❌ Отменить leave the form.
 */
export const onboarding = new Composer<MasterContext>();

// ❌ Отменить inside the form: the shared wizardCancel button, with the registration's wording.
onboarding.use(async (ctx, next) => {
  if (callbackOf(ctx)?.name !== 'wizardCancel' || ctx.wizard.kind !== onboardingWizard.kind) return next();
  ctx.wizard.clear();
  await ctx.answerCbQuery(mt.input.canceled);
  await safeEdit(ctx, ob.canceled, { reply_markup: NO_KEYBOARD });
});

// /start found a half-filled form (start.ts): ▶️ continue where it was, or 🔄 start over.
onboarding.use(
  onStep('onboardingResume', ONBOARDING_STEPS, async (ctx, s) => {
    await ctx.answerCbQuery();
    await show(ctx, s, 'edit');
  }),
);
onboarding.use(
  onStep('onboardingRestart', ONBOARDING_STEPS, async (ctx, s) => {
    await ctx.answerCbQuery();
    ctx.wizard.clear();
    if (!ctx.master) ctx.wizard.set(onboardingWizard, newOnboarding(s.referralCode ?? null));
    await showMenu(ctx, 'edit');
  }),
);

// ✏️ Исправить анкету (rejected): the form pre-filled from the stored profile.
onboarding.use(
  onCallback('onboardingStart', async (ctx: MasterContext) => {
    const tgId = ctx.from!.id;
    const refusal = await refusalText(ctx, tgId);
    if (refusal) {
      await ctx.answerCbQuery(refusal, { show_alert: true });
      await showMenu(ctx, 'edit');
      return;
    }
    const state = (await prefilledFromProfile(ctx.deps, tgId)) ?? newOnboarding(null);
    await ctx.answerCbQuery();
    await show(ctx, state, 'edit');
  }),
);

// ✅ Согласен / ❌ Не согласен: from the start screen (no form yet) or the form's first step.
onboarding.use(
  onCallback('onboardingConsent', async (ctx: MasterContext, { answer }) => {
    const w = ctx.wizard.get(onboardingWizard);
    const open = w && w !== 'expired' ? w : undefined;
    if (open && open.step !== 'consent') {
      await ctx.answerCbQuery(ob.staleStep, { show_alert: true });
      return;
    }
    if (answer === 'no') {
      ctx.wizard.clear();
      await ctx.answerCbQuery();
      await safeEdit(ctx, ob.declined, { reply_markup: NO_KEYBOARD });
      return;
    }
    const refusal = await refusalText(ctx, ctx.from!.id);
    if (refusal) {
      ctx.wizard.clear();
      await ctx.answerCbQuery(refusal, { show_alert: true });
      await showMenu(ctx, 'edit');
      return;
    }
    const base = open ?? newOnboarding(null);
    const state: WizardState = {
      ...base,
      pdnAcceptedAt: new Date().toISOString(),
      step: base.fixing ? 'summary' : 'name',
    };
    await ctx.answerCbQuery();
    await show(ctx, state, 'edit');
  }),
);

onboarding.use(
  onStep(
    'onboardingBack',
    ONBOARDING_STEPS.filter((step) => step !== 'consent'),
    async (ctx, s) => {
      const step = previousStep(s, s.step, await documentsRequired(ctx));
      await ctx.answerCbQuery();
      await show(ctx, { ...s, step, citySearch: undefined }, 'edit');
    },
  ),
);

onboarding.use(
  onStep('onboardingCityPage', ['city'], async (ctx, s, { page }) => {
    await ctx.answerCbQuery();
    await show(ctx, { ...s, citySearch: undefined }, 'edit', { page });
  }),
);

onboarding.use(
  onStep('onboardingCity', ['city'], async (ctx, s, { cityId }) => {
    const city = await activeCity(ctx.deps.db, cityId);
    if (!city) {
      await ctx.answerCbQuery(ob.errors.cityGone, { show_alert: true });
      await show(ctx, { ...s, citySearch: undefined }, 'edit');
      return;
    }
    await ctx.answerCbQuery();
    await show(ctx, await chooseCity(ctx, s, city), 'edit');
  }),
);

async function chooseCity(
  ctx: MasterContext,
  s: WizardState,
  city: { id: number; hasDistricts: boolean },
): Promise<WizardState> {
  const changed = s.cityId !== city.id;
  const chosen: WizardState = {
    ...s,
    cityId: city.id,
    cityHasDistricts: city.hasDistricts,
    districtIds: changed ? [] : (s.districtIds ?? []),
    citySearch: undefined,
  };
  return advance(ctx, chosen, 'city');
}

onboarding.use(
  onStep('onboardingDistrictPage', ['districts'], async (ctx, s, { page }) => {
    await ctx.answerCbQuery();
    await show(ctx, s, 'edit', { page });
  }),
);

onboarding.use(
  onStep('onboardingDistrict', ['districts'], async (ctx, s, { districtId, page }) => {
    const districts = s.cityId ? await cityDistricts(ctx.deps.db, s.cityId) : [];
    if (!districts.some((d) => d.id === districtId)) {
      await ctx.answerCbQuery(ob.errors.districtGone, { show_alert: true });
      await show(ctx, s, 'edit', { page });
      return;
    }
    const selected = new Set(s.districtIds ?? []);
    if (selected.has(districtId)) selected.delete(districtId);
    else selected.add(districtId);
    await ctx.answerCbQuery();
    await show(ctx, { ...s, districtIds: [...selected] }, 'edit', { page });
  }),
);

onboarding.use(
  onStep('onboardingDistrictsAll', ['districts'], async (ctx, s, { page }) => {
    const ids = s.cityId ? (await cityDistricts(ctx.deps.db, s.cityId)).map((d) => d.id) : [];
    const selected = new Set(s.districtIds ?? []);
    const all = ids.length > 0 && ids.every((id) => selected.has(id));
    await ctx.answerCbQuery();
    await show(ctx, { ...s, districtIds: all ? [] : ids }, 'edit', { page });
  }),
);

onboarding.use(
  onStep('onboardingDistrictsDone', ['districts'], async (ctx, s) => {
    const valid = new Set(s.cityId ? (await cityDistricts(ctx.deps.db, s.cityId)).map((d) => d.id) : []);
    const chosen = await keptChoice(ctx, s.districtIds, valid, ob.errors.noDistricts);
    if (chosen) await show(ctx, await advance(ctx, { ...s, districtIds: chosen }, 'districts'), 'edit');
  }),
);

onboarding.use(
  onStep('onboardingSkill', ['skills'], async (ctx, s, { skill }) => {
    const active = await activeSkills(ctx.deps.db);
    if (!active.some((k) => k.code === skill)) {
      await ctx.answerCbQuery(ob.errors.skillGone, { show_alert: true });
      await show(ctx, s, 'edit');
      return;
    }
    const selected = new Set(s.skills ?? []);
    if (selected.has(skill)) selected.delete(skill);
    else selected.add(skill);
    await ctx.answerCbQuery();
    await show(ctx, { ...s, skills: [...selected] }, 'edit');
  }),
);

onboarding.use(
  onStep('onboardingSkillsDone', ['skills'], async (ctx, s) => {
    const active = new Set((await activeSkills(ctx.deps.db)).map((k) => k.code));
    const chosen = await keptChoice(ctx, s.skills, active, ob.errors.noSkills);
    if (chosen) await show(ctx, await advance(ctx, { ...s, skills: chosen }, 'skills'), 'edit');
  }),
);

onboarding.use(
  onStep('onboardingVehicle', ['vehicle'], async (ctx, s, { has }) => {
    const hasVehicle = has === 'yes';
    const next: WizardState = { ...s, hasVehicle, ...(hasVehicle ? {} : { vehiclePlate: undefined }) };
    await ctx.answerCbQuery();
    await show(ctx, await advance(ctx, next, 'vehicle'), 'edit');
  }),
);

onboarding.use(
  onStep('onboardingPayout', ['payout'], async (ctx, s, { method }) => {
    const same = s.payoutMethod === method;
    const next: WizardState = {
      ...s,
      payoutMethod: method,
      ...(same ? {} : { payout: undefined, sbpPhone: undefined }),
    };
    await ctx.answerCbQuery();
    await show(ctx, await advance(ctx, next, 'payout'), 'edit');
  }),
);

onboarding.use(
  onStep('onboardingSbpBank', ['sbp_bank'], async (ctx, s, { bank }) => {
    await ctx.answerCbQuery();
    if (!s.sbpPhone) {
      await show(ctx, { ...s, step: 'requisites' }, 'edit');
      return;
    }
    const payout: PayoutDetails = { method: 'sbp', sbp_phone: s.sbpPhone, sbp_bank: SBP_BANKS[bank]! };
    await show(ctx, await advance(ctx, { ...s, payout }, 'sbp_bank'), 'edit');
  }),
);

onboarding.use(
  onStep('onboardingReferral', ['referral'], async (ctx, s, { keep }) => {
    if (keep === 'yes' && s.referralCode) {
      const checked = await checkReferral(ctx.deps, s.referralCode, ctx.from!.id);
      if (!checked.ok) {
        await ctx.answerCbQuery(checked.error.replace(/<[^>]+>/g, ''), { show_alert: true });
        await show(ctx, { ...s, referralCode: undefined }, 'edit');
        return;
      }
      await ctx.answerCbQuery();
      await show(ctx, await advance(ctx, { ...s, referralCode: checked.code }, 'referral'), 'edit', {
        lead: ob.referralAccepted(checked.name),
      });
      return;
    }
    await ctx.answerCbQuery();
    await show(ctx, await advance(ctx, { ...s, referralCode: undefined }, 'referral'), 'edit');
  }),
);

onboarding.use(
  onStep('onboardingBaseSkip', ['base_point'], async (ctx, s) => {
    await ctx.answerCbQuery();
    await show(ctx, await advance(ctx, s, 'base_point'), 'edit');
  }),
);

onboarding.use(
  onStep('onboardingEditMenu', ['summary'], async (ctx, s) => {
    await ctx.answerCbQuery();
    await show(ctx, { ...s, step: 'edit' }, 'edit');
  }),
);

onboarding.use(
  onStep('onboardingEdit', ['edit'], async (ctx, s, { field }) => {
    const docs = await documentsRequired(ctx);
    if (!editableSections(s, docs).includes(field)) {
      await ctx.answerCbQuery(ob.staleStep, { show_alert: true });
      return;
    }
    const editing: WizardState = { ...s, editing: field, citySearch: undefined };
    const step = SECTION_STEPS[field].find((x) => applies(editing, x, docs)) ?? 'summary';
    await ctx.answerCbQuery();
    await show(ctx, { ...editing, step }, 'edit');
  }),
);

onboarding.use(
  onStep('onboardingSubmit', ['summary'], async (ctx, s) => {
    const docs = await documentsRequired(ctx);
    const missing = s.pdnAcceptedAt ? firstMissing(s, docs) : 'consent';
    if (missing || !s.payout) {
      await ctx.answerCbQuery(ob.errors.incomplete, { show_alert: true });
      await show(ctx, { ...s, step: missing ?? 'payout' }, 'edit');
      return;
    }
    const result = await submitMasterRegistration(ctx.deps.dispatch, {
      tgUserId: ctx.from!.id,
      username: ctx.from!.username ?? null,
      fullName: s.fullName!,
      phone: s.phone!,
      cityId: s.cityId!,
      districtIds: s.cityHasDistricts ? (s.districtIds ?? []) : [],
      skills: s.skills ?? [],
      hasVehicle: s.hasVehicle === true,
      vehiclePlate: s.hasVehicle ? (s.vehiclePlate ?? null) : null,
      payout: s.payout,
      pdnAcceptedAt: new Date(s.pdnAcceptedAt!),
      documents: docs && s.passport && s.selfie ? { passport: s.passport, selfie: s.selfie } : null,
      referralCode: s.referralCode ?? null,
      basePoint: s.basePoint ?? null,
      submissionId: s.submissionId,
    });
    switch (result.kind) {
      case 'submitted':
        ctx.wizard.clear();
        await ctx.answerCbQuery(ob.submittedToast);
        await safeEdit(ctx, result.resubmitted ? ob.resubmitted : ob.submitted, {
          parse_mode: 'HTML',
          reply_markup: inlineKeyboard([[cbButton(ob.buttons.menu, 'masterMenu', {})]]),
        });
        return;
      case 'invalid':
        await ctx.answerCbQuery(ob.errors.invalid, { show_alert: true });
        await show(ctx, reopen(s, result.field), 'edit');
        return;
      default:
        ctx.wizard.clear();
        await ctx.answerCbQuery(
          result.kind === 'deleted'
            ? ob.errors.deleted
            : result.kind === 'blocked'
              ? ob.errors.blocked
              : ob.errors.approved,
          { show_alert: true },
        );
        await showMenu(ctx, 'edit');
    }
  }),
);

// Typed answers and files. Outside the form (or for commands) the next handler decides.
onboarding.on('message', async (ctx, next) => {
  const msg = ctx.message;
  const text = 'text' in msg ? msg.text : undefined;
  if (text?.startsWith('/')) return next();
  const s = ctx.wizard.get(onboardingWizard);
  if (s === undefined) return next();
  if (s === 'expired') {
    await ctx.reply(mt.input.sessionExpired);
    return;
  }
  const fail = async (error: string) => {
    ctx.wizard.set(onboardingWizard, s);
    await ctx.reply(error, { parse_mode: 'HTML', reply_markup: navKeyboard() });
  };
  const proceed = async (next: WizardState, lead?: string) =>
    show(ctx, await advance(ctx, next, s.step), 'reply', lead ? { lead } : {});

  switch (s.step) {
    case 'name': {
      const r = parseFullName(text ?? '');
      return r.ok ? proceed({ ...s, fullName: r.value }) : fail(ob.errors.name);
    }
    case 'phone': {
      // 📱 Отправить мой номер sends a contact; only the person's own number is taken.
      const contact = 'contact' in msg ? msg.contact : undefined;
      if (contact && contact.user_id !== ctx.from.id) return fail(ob.errors.phoneNotOwn);
      const raw = contact?.phone_number ?? text;
      const phone = raw ? normalizeRuPhone(raw) : null;
      if (!phone) return fail(ob.errors.phone);
      await ctx.reply(ob.phoneSaved(formatPhoneForCall(phone)), { reply_markup: { remove_keyboard: true } });
      return proceed({ ...s, phone });
    }
    case 'city': {
      if (!text) return show(ctx, { ...s, citySearch: undefined }, 'reply', { lead: ob.useButtons });
      const query = text.trim();
      const matches = query.length <= CITY_QUERY_MAX ? await searchCities(ctx.deps.db, query) : [];
      if (matches.length === 0) {
        return show(ctx, { ...s, citySearch: undefined }, 'reply', { lead: ob.errors.cityNotFound });
      }
      const exact = matches.find((c) => sameCityName(c.name, query));
      const city = exact ? await activeCity(ctx.deps.db, exact.id) : undefined;
      if (city) return show(ctx, await chooseCity(ctx, s, city), 'reply');
      return show(ctx, { ...s, citySearch: query }, 'reply');
    }
    case 'plate': {
      const r = parseVehiclePlate(text ?? '');
      return r.ok ? proceed({ ...s, vehiclePlate: r.value }) : fail(ob.errors.plate);
    }
    case 'base_point': {
      // A live location is a shift feature (features/location.ts): here a plain point only.
      const loc =
        'location' in msg
          ? (msg.location as { latitude: number; longitude: number; live_period?: number })
          : undefined;
      if (!loc || loc.live_period !== undefined || !isValidPoint(loc.latitude, loc.longitude)) {
        return fail(ob.errors.basePoint);
      }
      return proceed({ ...s, basePoint: { lat: loc.latitude, lon: loc.longitude } });
    }
    case 'requisites':
      return requisites(ctx, s, text ?? '', proceed, fail);
    case 'passport': {
      const f = fileOfMessage(msg);
      return f && isPassportFile(f) ? proceed({ ...s, passport: f }) : fail(ob.errors.passport);
    }
    case 'selfie': {
      const f = fileOfMessage(msg);
      return f?.fileType === 'photo' ? proceed({ ...s, selfie: f }) : fail(ob.errors.selfie);
    }
    case 'referral': {
      if (!text) return fail(ob.errors.referralFormat);
      const checked = await checkReferral(ctx.deps, text, ctx.from.id);
      if (!checked.ok) return fail(checked.error);
      return proceed({ ...s, referralCode: checked.code }, ob.referralAccepted(checked.name));
    }
    default:
      // A step answered with buttons: say so and show the step again below.
      return show(ctx, s, 'reply', { lead: ob.useButtons });
  }
});

async function requisites(
  ctx: MasterContext,
  s: WizardState,
  text: string,
  proceed: (next: WizardState) => Promise<void>,
  fail: (error: string) => Promise<void>,
): Promise<void> {
  const errors = ob.errors.requisites;
  switch (s.payoutMethod) {
    case 'card': {
      const r = parseCardNumber(text);
      if (r.ok) return proceed({ ...s, payout: { method: 'card', card_number: r.value } });
      return fail(r.error === 'checksum' ? errors.cardChecksum : errors.card);
    }
    case 'sbp': {
      const r = parseSbpPhone(text);
      return r.ok ? proceed({ ...s, sbpPhone: r.value, payout: undefined }) : fail(errors.sbp);
    }
    case 'yoomoney': {
      const r = parseYoomoney(text);
      return r.ok
        ? proceed({ ...s, payout: { method: 'yoomoney', account: r.value } })
        : fail(errors.yoomoney);
    }
    case 'bank_account': {
      const r = parseBankAccount(text);
      return r.ok
        ? proceed({ ...s, payout: { method: 'bank_account', account_number: r.value } })
        : fail(errors.bank_account);
    }
    default:
      await show(ctx, { ...s, step: 'payout' }, 'reply');
  }
}
