import { loadSettings } from '@fs/db';
import { addDistrict, setCityTimezone, setCityWorkingHours, updateSetting } from '@fs/dispatch';
import {
  cityWorkingWindow,
  FULL_DAY_WINDOW,
  isFullDay,
  parseSettingInput,
  SETTINGS,
  type SettingDef,
  type SettingKey,
  type Settings,
} from '@fs/domain';
import { defineWizard, inlineKeyboard, type WizardDef } from '@fs/telegram';
import { Composer, type MiddlewareFn } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { z } from 'zod';
import { type CallbackArgs, cbButton } from '../callbacks';
import { SETTING_TOKENS } from '../callbacks/ops';
import type { AdminContext } from '../context';
import { menuRow, pairs } from '../keyboards/menu';
import { capable, staffAction, staffScreen, wizardInput } from '../middlewares/guard';
import { type CityRow, cityPage, loadCity } from '../queries/cities';
import { cityDistrictCounts, cityDistrictNames } from '../queries/settings';
import type { StaffMember } from '../queries/staff';
import { show } from '../render';
import { texts } from '../texts';

type Token = CallbackArgs<'settingEdit'>['key'];
type Group = CallbackArgs<'settingsGroup'>['group'];

const T = texts.ops.settings;

/** Callback token → settings key (callback data allows 16 characters per argument). */
const TOKEN_KEYS = {
  sla: 'distribution_sla_seconds',
  rounds: 'distribution_rounds',
  perround: 'distribution_offers_per_round',
  tick: 'distribution_tick_seconds',
  escmin: 'escalate_to_admin_after_min',
  digest: 'unassigned_digest_minutes',
  notify: 'notify_staff_on_assign',
  dweight: 'distance_weight',
  dradius: 'distance_max_km',
  maxact: 'max_active_orders',
  cdeadline: 'commission_deadline_hours',
  crate: 'commission_rate_default_pct',
  cratehi: 'commission_rate_high_pct',
  cthresh: 'commission_high_avg_check_rub',
  guarpay: 'guarantee_payment_rub',
  warranty: 'warranty_days',
  whstart: 'working_hours_start',
  whend: 'working_hours_end',
  asaplate: 'asap_late_threshold',
  slots: 'order_timeslots',
  ref1: 'referral_level1_pct',
  ref2: 'referral_level2_pct',
  support: 'support_contact',
  alerts: 'alerts_channel_id',
  logs: 'logs_channel_id',
} as const satisfies Record<Token, SettingKey>;

const GROUP_TOKENS: Record<Exclude<Group, 'geo'>, readonly Token[]> = {
  dist: ['sla', 'rounds', 'perround', 'tick', 'escmin', 'digest', 'notify', 'dweight', 'dradius'],
  limits: ['maxact'],
  comm: ['cdeadline', 'crate', 'cratehi', 'cthresh', 'guarpay', 'warranty', 'ref1', 'ref2'],
  hours: ['whstart', 'whend', 'asaplate', 'slots'],
  support: ['support'],
  channels: ['alerts', 'logs'],
};

const CHANNEL_KEYS = new Set<SettingKey>(['alerts_channel_id', 'logs_channel_id']);

function groupOf(token: Token): Exclude<Group, 'geo'> {
  return (Object.keys(GROUP_TOKENS) as Exclude<Group, 'geo'>[]).find((g) => GROUP_TOKENS[g].includes(token))!;
}

const label = (key: SettingKey) => T.labels[key] ?? key;

function display(value: number | string | boolean): string {
  if (typeof value === 'boolean') return T.boolValue(value);
  if (value === '') return T.unset;
  return String(value);
}

function hint(key: SettingKey): string {
  const def: SettingDef = SETTINGS[key];
  if (CHANNEL_KEYS.has(key)) return T.hints.channel;
  switch (def.kind) {
    case 'int':
      return T.hints.int(def.min ?? 0, def.max ?? Number.MAX_SAFE_INTEGER);
    case 'time':
      return T.hints.time;
    case 'bool':
      return T.hints.bool;
    default:
      return T.hints.string;
  }
}

/**
 * Validates staff input for a setting: the registry's rule (parseSettingInput), plus what a
 * single value cannot know: the working day must start before it ends, a channel is a chat id.
 */
export function validateSetting(
  key: SettingKey,
  input: string,
  current: Settings,
): { ok: true; value: number | string | boolean } | { ok: false; error: string } {
  const parsed = parseSettingInput(key, input);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  // Equal start and end are allowed: the whole day.
  if (key === 'working_hours_start' && String(v) > current.working_hours_end)
    return { ok: false, error: T.startAfterEnd(current.working_hours_end) };
  if (key === 'working_hours_end' && String(v) < current.working_hours_start)
    return { ok: false, error: T.endBeforeStart(current.working_hours_start) };
  return parsed;
}

/** "10:00–20:00" (or "круглосуточно") of a city: its own hours or the global ones. */
function cityHours(city: CityRow, s: Settings): { text: string; own: boolean } {
  const w = cityWorkingWindow(city, s);
  return { text: T.hours(w.start, w.end), own: city.working_hours_start !== null };
}

const IANA_SHAPE = /^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/;

/** The canonical spelling of an IANA zone name ("asia/omsk" → "Asia/Omsk"), or null. */
export function canonicalTimezone(input: string): string | null {
  const raw = input.trim();
  if (raw.length > 64 || !IANA_SHAPE.test(raw)) return null;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === raw.toLowerCase() && IANA_SHAPE.test(resolved) ? resolved : null;
  } catch {
    return null;
  }
}

const DISTRICT_NAME = /^[\p{L}\d][\p{L}\d .()«»"-]*$/u;
const HOURS_RANGE = /^(\S+)\s*[-–—]\s*(\S+)$/;
const ROUND_THE_CLOCK = /^(круглосуточно|24\/7)$/i;
/** ⚙️ Настройки: every business setting, per-city working hours, cities/districts/timezones. */
export const settings = new Composer<AdminContext>();

const cityId = z.number().int();
/** A setting's new value. */
const settingWizard = defineWizard('setting', z.object({ token: z.enum(SETTING_TOKENS) }));
/** A city's own working hours ("10:00-20:00", or "-" for the global ones). */
const cityHoursWizard = defineWizard('cityHours', z.object({ cityId }));
/** A new district's name. */
const districtWizard = defineWizard('district', z.object({ cityId }));
/** A city's IANA timezone. */
const timezoneWizard = defineWizard('timezone', z.object({ cityId }));
const WIZARDS: readonly WizardDef<unknown>[] = [
  settingWizard,
  cityHoursWizard,
  districtWizard,
  timezoneWizard,
];

const backTo = (group: Group) => [cbButton(texts.buttons.back, 'settingsGroup', { group })];
const cancelKeyboard = () => inlineKeyboard([[cbButton(texts.buttons.cancel, 'settingCancel', {})]]);
const leaveWizard = (ctx: AdminContext) => {
  if (WIZARDS.some((w) => w.kind === ctx.wizard.kind)) ctx.wizard.clear();
};

settings.use(
  staffAction('settingsMenu', 'settings', async (ctx) => {
    await ctx.answerCbQuery();
    leaveWizard(ctx);
    await showMenu(ctx);
  }),
);
settings.use(
  staffAction('settingsGroup', 'settings', async (ctx, { group }, staff) => {
    await ctx.answerCbQuery();
    if (group === 'geo') await showCityList(ctx, staff, 0, 'geo');
    else await showGroup(ctx, group);
  }),
);
settings.use(
  staffAction('settingCancel', 'settings', async (ctx) => {
    await ctx.answerCbQuery();
    leaveWizard(ctx);
    await show(
      ctx,
      T.canceled,
      inlineKeyboard([[cbButton(texts.menu.settings, 'settingsMenu', {})], menuRow()]),
    );
  }),
);

// ── A setting ─────────────────────────────────────────────────────────────────────────
settings.use(
  staffAction('settingEdit', 'settings', async (ctx, { key: token }) => {
    await ctx.answerCbQuery();
    const key = TOKEN_KEYS[token];
    const s = await loadSettings(ctx.deps.db);
    ctx.wizard.set(settingWizard, { token });
    await ctx.reply(T.prompt(label(key), SETTINGS[key].description, display(s[key]), hint(key)), {
      parse_mode: 'HTML',
      reply_markup: cancelKeyboard(),
    });
  }),
);
settings.use(
  wizardInput(settingWizard, capable('settings'), async (ctx, { token }, text, staff) => {
    if (text === undefined) return void (await ctx.reply(T.notText));
    const key = TOKEN_KEYS[token];
    const checked = validateSetting(key, text.slice(0, 600), await loadSettings(ctx.deps.db));
    if (!checked.ok) return void (await ctx.reply(T.invalid(checked.error)));
    await updateSetting(ctx.deps.dispatch, staff.id, key, checked.value);
    ctx.wizard.clear();
    await ctx.reply(T.saved(label(key), display(checked.value)), { parse_mode: 'HTML' });
    await showGroup(ctx, groupOf(token));
  }),
);

// ── Working hours of a city ───────────────────────────────────────────────────────────
/** The city back on the global hours (🔄 or "-" typed): said, then its hours screen again. */
async function resetCityHours(ctx: AdminContext, staff: StaffMember, city: CityRow): Promise<void> {
  await setCityWorkingHours(ctx.deps.dispatch, staff.id, city.id, null);
  const fresh = (await loadCity(ctx.deps.db, city.id))!;
  const global = cityHours(fresh, await loadSettings(ctx.deps.db)).text;
  await ctx.reply(T.cityHoursCleared(city.name, global), { parse_mode: 'HTML' });
  await showCityHours(ctx, fresh);
}

settings.use(
  staffScreen('cityHoursList', 'settings', (ctx, { page }, staff) => showCityList(ctx, staff, page, 'hours')),
);
settings.use(cityAction('cityHoursOpen', (ctx, city) => showCityHours(ctx, city)));
settings.use(
  askForCity('cityHoursEdit', cityHoursWizard, async (ctx, city) =>
    T.askCityHours(city.name, cityHours(city, await loadSettings(ctx.deps.db)).text),
  ),
);
settings.use(cityAction('cityHoursReset', (ctx, city, staff) => resetCityHours(ctx, staff, city)));
settings.use(
  cityInput(cityHoursWizard, async (ctx, city, text, staff) => {
    const raw = text.slice(0, 100).trim();
    if (raw === '-') {
      ctx.wizard.clear();
      await resetCityHours(ctx, staff, city);
      return;
    }
    const m = ROUND_THE_CLOCK.test(raw)
      ? ['', FULL_DAY_WINDOW.start, FULL_DAY_WINDOW.end]
      : HOURS_RANGE.exec(raw);
    const start = m ? parseSettingInput('working_hours_start', m[1]!) : null;
    const end = m ? parseSettingInput('working_hours_end', m[2]!) : null;
    if (!start?.ok || !end?.ok) return void (await ctx.reply(T.badCityHours));
    const [from, to] = [String(start.value), String(end.value)];
    if (from > to) return void (await ctx.reply(T.cityHoursOrder));
    // Round the clock is stored one way (FULL_DAY_WINDOW), whatever equal times were typed.
    const w = isFullDay(from, to) ? FULL_DAY_WINDOW : { start: from, end: to };
    const hours: [string, string] = [w.start, w.end];
    await setCityWorkingHours(ctx.deps.dispatch, staff.id, city.id, hours);
    ctx.wizard.clear();
    await ctx.reply(T.cityHoursSaved(city.name, T.hours(hours[0], hours[1])));
    await showCityHours(ctx, (await loadCity(ctx.deps.db, city.id))!);
  }),
);

// ── Geography: cities, districts, timezones ───────────────────────────────────────────
settings.use(
  staffScreen('geoCities', 'settings', (ctx, { page }, staff) => showCityList(ctx, staff, page, 'geo')),
);
settings.use(cityAction('geoCity', (ctx, city) => showGeoCity(ctx, city)));
settings.use(askForCity('geoAddDistrict', districtWizard, (_ctx, city) => T.askDistrict(city.name)));
settings.use(
  cityInput(districtWizard, async (ctx, city, text, staff) => {
    const name = text.slice(0, 200).trim().replace(/\s+/g, ' ');
    if (name.length < 2 || name.length > 120 || !DISTRICT_NAME.test(name))
      return void (await ctx.reply(T.badDistrict));
    if ((await addDistrict(ctx.deps.dispatch, staff.id, city.id, name)) === null) {
      return void (await ctx.reply(T.districtExists));
    }
    ctx.wizard.clear();
    await ctx.reply(T.districtAdded(name, city.name));
    await showGeoCity(ctx, city);
  }),
);
settings.use(
  askForCity('geoTimezone', timezoneWizard, (_ctx, city) => T.askTimezone(city.name, city.timezone)),
);
settings.use(
  cityInput(timezoneWizard, async (ctx, city, text, staff) => {
    const tz = canonicalTimezone(text.slice(0, 100));
    if (!tz) return void (await ctx.reply(T.badTimezone));
    await setCityTimezone(ctx.deps.dispatch, staff.id, city.id, tz);
    ctx.wizard.clear();
    await ctx.reply(T.timezoneSaved(city.name, tz), { parse_mode: 'HTML' });
    await showGeoCity(ctx, (await loadCity(ctx.deps.db, city.id))!);
  }),
);

// ── Screens ───────────────────────────────────────────────────────────────────────────
async function showMenu(ctx: AdminContext) {
  const b = (g: Group) => cbButton(T.groups[g], 'settingsGroup', { group: g });
  const keyboard = inlineKeyboard([
    [b('dist'), b('limits')],
    [b('comm'), b('hours')],
    [b('support'), b('channels')],
    [b('geo')],
    menuRow(),
  ]);
  await show(ctx, T.menuTitle, keyboard);
}

async function showGroup(ctx: AdminContext, group: Exclude<Group, 'geo'>) {
  const s = await loadSettings(ctx.deps.db);
  const tokens = GROUP_TOKENS[group];
  const lines = tokens.map((t) => T.line(label(TOKEN_KEYS[t]), display(s[TOKEN_KEYS[t]])));
  if (group === 'hours') {
    const w = cityWorkingWindow({ working_hours_start: null, working_hours_end: null }, s);
    lines.unshift(T.globalHours(T.hours(w.start, w.end)));
  }
  const text = [`<b>${T.groups[group]}</b>`, T.groupHints[group], '', ...lines].join('\n');
  const rows: InlineKeyboardButton[][] = tokens.map((t) => [
    cbButton(T.editButton(label(TOKEN_KEYS[t])), 'settingEdit', { key: t }),
  ]);
  if (group === 'hours') rows.push([cbButton(T.cityHoursButton, 'cityHoursList', { page: 0 })]);
  rows.push([cbButton(texts.buttons.back, 'settingsMenu', {})], menuRow());
  await show(ctx, text, inlineKeyboard(rows));
}

async function showCityList(ctx: AdminContext, staff: StaffMember, page: number, mode: 'hours' | 'geo') {
  const { cities, page: p, pages } = await cityPage(ctx.deps.db, staff, page);
  const hours = mode === 'hours';
  const open = (c: CityRow) =>
    hours
      ? cbButton(c.name, 'cityHoursOpen', { cityId: c.id })
      : cbButton(c.name, 'geoCity', { cityId: c.id });
  const to = (n: number, text: string) =>
    hours ? cbButton(text, 'cityHoursList', { page: n }) : cbButton(text, 'geoCities', { page: n });
  const rows: InlineKeyboardButton[][] = pairs(cities.map(open));
  const nav: InlineKeyboardButton[] = [];
  if (p > 0) nav.push(to(p - 1, texts.buttons.prev));
  if (p < pages - 1) nav.push(to(p + 1, texts.buttons.next));
  if (nav.length > 0) rows.push(nav);
  rows.push(hours ? backTo('hours') : [cbButton(texts.buttons.back, 'settingsMenu', {})], menuRow());
  let text = T.cityHoursTitle(p, pages);
  if (!hours) {
    const n = await cityDistrictCounts(
      ctx.deps.db,
      cities.map((c) => c.id),
    );
    text = T.geoTitle(
      p,
      pages,
      cities.map((c) => T.geoLine(c.name, c.timezone, n.get(c.id) ?? 0)),
    );
  }
  await show(ctx, text, inlineKeyboard(rows));
}

async function showCityHours(ctx: AdminContext, city: CityRow) {
  const h = cityHours(city, await loadSettings(ctx.deps.db));
  const rows: InlineKeyboardButton[][] = [[cbButton(T.cityHoursEdit, 'cityHoursEdit', { cityId: city.id })]];
  if (h.own) rows.push([cbButton(T.cityHoursReset, 'cityHoursReset', { cityId: city.id })]);
  rows.push([cbButton(texts.buttons.back, 'cityHoursList', { page: 0 })], menuRow());
  await show(ctx, T.cityHoursCard(city.name, city.timezone, h.text, h.own), inlineKeyboard(rows));
}

async function showGeoCity(ctx: AdminContext, city: CityRow) {
  const districts = await cityDistrictNames(ctx.deps.db, city.id);
  const h = cityHours(city, await loadSettings(ctx.deps.db));
  await show(
    ctx,
    T.geoCard(city.name, city.timezone, h.text, districts, districts.length),
    inlineKeyboard([
      [
        cbButton(T.addDistrict, 'geoAddDistrict', { cityId: city.id }),
        cbButton(T.changeTimezone, 'geoTimezone', { cityId: city.id }),
      ],
      [cbButton(T.backToCities, 'geoCities', { page: 0 })],
      menuRow(),
    ]),
  );
}

// ── A city's buttons and typed values ─────────────────────────────────────────────────
type CityButton =
  | 'cityHoursOpen'
  | 'cityHoursEdit'
  | 'cityHoursReset'
  | 'geoCity'
  | 'geoAddDistrict'
  | 'geoTimezone';
type CityWizard = WizardDef<{ cityId: number }>;

/**
 * A button about one city: the city must exist (refused with an alert when it is gone; settings
 * are for global admins, so every city is theirs), then `handler` gets it.
 */
function cityAction(
  name: CityButton,
  handler: (ctx: AdminContext, city: CityRow, staff: StaffMember) => Promise<unknown>,
): MiddlewareFn<AdminContext> {
  return staffAction(name, 'settings', async (ctx, { cityId }, staff) => {
    const city = await loadCity(ctx.deps.db, cityId);
    if (!city) return void (await ctx.answerCbQuery(T.cityGone, { show_alert: true }));
    await ctx.answerCbQuery();
    await handler(ctx, city, staff);
  });
}

/** A city button that asks for one of its values: opens wizard `def` and sends `prompt` with ✖️. */
function askForCity(
  name: CityButton,
  def: CityWizard,
  prompt: (ctx: AdminContext, city: CityRow) => string | Promise<string>,
): MiddlewareFn<AdminContext> {
  return cityAction(name, async (ctx, city) => {
    ctx.wizard.set(def, { cityId: city.id });
    await ctx.reply(await prompt(ctx, city), { parse_mode: 'HTML', reply_markup: cancelKeyboard() });
  });
}

/**
 * The value typed into city wizard `def`: `handler` gets the city and the text (answered here
 * when it is not text, or the city is gone, which also leaves the wizard).
 */
function cityInput(
  def: CityWizard,
  handler: (ctx: AdminContext, city: CityRow, text: string, staff: StaffMember) => Promise<unknown>,
): MiddlewareFn<AdminContext> {
  return wizardInput(def, capable('settings'), async (ctx, { cityId }, text, staff) => {
    if (text === undefined) return void (await ctx.reply(T.notText));
    const city = await loadCity(ctx.deps.db, cityId);
    if (!city) {
      ctx.wizard.clear();
      return void (await ctx.reply(T.cityGone));
    }
    await handler(ctx, city, text, staff);
  });
}
