import { loadSettings, writeSetting } from '@fs/db';
import { audit } from '@fs/dispatch';
import {
  cityWorkingWindow,
  parseSettingInput,
  SETTINGS,
  type SettingDef,
  type SettingKey,
  type Settings,
} from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import { sql } from 'kysely';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { type CallbackArgs, cbButton } from '../callbacks';
import type { AdminBotDeps, AdminContext } from '../context';
import { can } from '../scope';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import { menuRow, staffAction } from './menu';
import { type CityRow, cityPage, hhmm, loadCity, show } from './ops-common';
import { clearWizard, currentWizard, setWizard } from './wizard-session';

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
  dist: ['sla', 'rounds', 'perround', 'tick', 'escmin', 'digest', 'notify'],
  limits: ['maxact'],
  comm: ['cdeadline', 'crate', 'cratehi', 'cthresh', 'guarpay', 'warranty', 'ref1', 'ref2'],
  hours: ['whstart', 'whend', 'asaplate', 'slots'],
  support: ['support'],
  channels: ['alerts', 'logs'],
};

const CHANNEL_KEYS = new Set<SettingKey>(['alerts_channel_id', 'logs_channel_id']);
const TOKEN_OF = new Map<SettingKey, Token>(
  Object.entries(TOKEN_KEYS).map(([t, k]) => [k as SettingKey, t as Token]),
);

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
  if (key === 'working_hours_start' && String(v) >= current.working_hours_end)
    return { ok: false, error: T.startAfterEnd(current.working_hours_end) };
  if (key === 'working_hours_end' && String(v) <= current.working_hours_start)
    return { ok: false, error: T.endBeforeStart(current.working_hours_start) };
  return parsed;
}

/** "10:00–20:00" of a city: its own hours or the global ones. */
function cityHours(city: CityRow, s: Settings): { text: string; own: boolean } {
  const w = cityWorkingWindow(city, s);
  return { text: `${w.start}–${w.end}`, own: city.working_hours_start !== null };
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

const WIZARDS = ['setting', 'cityHours', 'district', 'timezone'] as const;
type WizardKind = (typeof WIZARDS)[number];

/** ⚙️ Настройки: every business setting, per-city working hours, cities/districts/timezones. */
export function settingsFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  const { db, logger } = deps;

  const backTo = (group: Group) => [cbButton(texts.buttons.back, 'settingsGroup', { group })];

  async function showMenu(ctx: AdminContext) {
    const b = (g: Group) => cbButton(T.groups[g], 'settingsGroup', { group: g });
    await show(
      ctx,
      T.menuTitle,
      inlineKeyboard([
        [b('dist'), b('limits')],
        [b('comm'), b('hours')],
        [b('support'), b('channels')],
        [b('geo')],
        menuRow(),
      ]),
    );
  }

  async function showGroup(ctx: AdminContext, group: Exclude<Group, 'geo'>) {
    const s = await loadSettings(db);
    const tokens = GROUP_TOKENS[group];
    const lines = tokens.map((t) => T.line(label(TOKEN_KEYS[t]), display(s[TOKEN_KEYS[t]])));
    const text = [`<b>${T.groups[group]}</b>`, T.groupHints[group], '', ...lines].join('\n');
    const rows: InlineKeyboardButton[][] = tokens.map((t) => [
      cbButton(T.editButton(label(TOKEN_KEYS[t])), 'settingEdit', { key: t }),
    ]);
    if (group === 'hours') rows.push([cbButton(T.cityHoursButton, 'cityHoursList', { page: 0 })]);
    rows.push([cbButton(texts.buttons.back, 'settingsMenu', {})], menuRow());
    await show(ctx, text, inlineKeyboard(rows));
  }

  async function showCityList(
    ctx: AdminContext,
    staff: StaffMember,
    page: number,
    mode: 'hours' | 'geo',
  ): Promise<void> {
    const { cities, page: p, pages } = await cityPage(db, staff, page);
    const open = (c: CityRow) =>
      mode === 'hours'
        ? cbButton(c.name, 'cityHoursOpen', { cityId: c.id })
        : cbButton(c.name, 'geoCity', { cityId: c.id });
    const rows: InlineKeyboardButton[][] = [];
    for (let i = 0; i < cities.length; i += 2) rows.push(cities.slice(i, i + 2).map(open));
    const nav: InlineKeyboardButton[] = [];
    const to = (n: number, text: string) =>
      mode === 'hours'
        ? cbButton(text, 'cityHoursList', { page: n })
        : cbButton(text, 'geoCities', { page: n });
    if (p > 0) nav.push(to(p - 1, texts.buttons.prev));
    if (p < pages - 1) nav.push(to(p + 1, texts.buttons.next));
    if (nav.length > 0) rows.push(nav);
    rows.push(
      mode === 'hours' ? backTo('hours') : [cbButton(texts.buttons.back, 'settingsMenu', {})],
      menuRow(),
    );
    let text: string;
    if (mode === 'hours') text = T.cityHoursTitle(p, pages);
    else {
      const counts = await db
        .selectFrom('districts')
        .select(['city_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('city_id', 'in', cities.length > 0 ? cities.map((c) => c.id) : [0])
        .groupBy('city_id')
        .execute();
      const n = new Map(counts.map((c) => [c.city_id, Number(c.n)]));
      text = T.geoTitle(
        p,
        pages,
        cities.map((c) => T.geoLine(c.name, c.timezone, n.get(c.id) ?? 0)),
      );
    }
    await show(ctx, text, inlineKeyboard(rows));
  }

  async function showCityHours(ctx: AdminContext, city: CityRow) {
    const h = cityHours(city, await loadSettings(db));
    const rows: InlineKeyboardButton[][] = [
      [cbButton(T.cityHoursEdit, 'cityHoursEdit', { cityId: city.id })],
    ];
    if (h.own) rows.push([cbButton(T.cityHoursReset, 'cityHoursReset', { cityId: city.id })]);
    rows.push([cbButton(texts.buttons.back, 'cityHoursList', { page: 0 })], menuRow());
    await show(ctx, T.cityHoursCard(city.name, city.timezone, h.text, h.own), inlineKeyboard(rows));
  }

  async function showGeoCity(ctx: AdminContext, city: CityRow) {
    const districts = await db
      .selectFrom('districts')
      .select('name')
      .where('city_id', '=', city.id)
      .orderBy('name')
      .execute();
    const h = cityHours(city, await loadSettings(db));
    await show(
      ctx,
      T.geoCard(
        city.name,
        city.timezone,
        h.text,
        districts.map((d) => d.name),
        districts.length,
      ),
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

  const cancelKeyboard = () => inlineKeyboard([[cbButton(texts.buttons.cancel, 'settingCancel', {})]]);

  /** A city callback: the city must exist (settings are for global admins: every city is theirs). */
  async function cityOr404(ctx: AdminContext, cityId: number): Promise<CityRow | undefined> {
    const city = await loadCity(db, cityId);
    if (!city) await ctx.answerCbQuery(T.cityGone, { show_alert: true });
    else await ctx.answerCbQuery();
    return city;
  }

  bot.use(
    staffAction('settingsMenu', 'settings', async (ctx) => {
      await ctx.answerCbQuery();
      const kind = ctx.session?.wizard?.kind;
      if (kind && (WIZARDS as readonly string[]).includes(kind)) clearWizard(ctx);
      await showMenu(ctx);
    }),
  );
  bot.use(
    staffAction('settingsGroup', 'settings', async (ctx, { group }, staff) => {
      await ctx.answerCbQuery();
      if (group === 'geo') await showCityList(ctx, staff, 0, 'geo');
      else await showGroup(ctx, group);
    }),
  );
  bot.use(
    staffAction('settingEdit', 'settings', async (ctx, { key: token }) => {
      await ctx.answerCbQuery();
      const key = TOKEN_KEYS[token];
      const s = await loadSettings(db);
      setWizard(ctx, { kind: 'setting', step: 'value', data: { token } });
      await ctx.reply(T.prompt(label(key), SETTINGS[key].description, display(s[key]), hint(key)), {
        parse_mode: 'HTML',
        reply_markup: cancelKeyboard(),
      });
    }),
  );
  bot.use(
    staffAction('settingCancel', 'settings', async (ctx) => {
      await ctx.answerCbQuery();
      const w = ctx.session?.wizard;
      if (w && (WIZARDS as readonly string[]).includes(w.kind)) clearWizard(ctx);
      await show(
        ctx,
        T.canceled,
        inlineKeyboard([[cbButton(texts.menu.settings, 'settingsMenu', {})], menuRow()]),
      );
    }),
  );
  bot.use(
    staffAction('cityHoursList', 'settings', async (ctx, { page }, staff) => {
      await ctx.answerCbQuery();
      await showCityList(ctx, staff, page, 'hours');
    }),
  );
  bot.use(
    staffAction('geoCities', 'settings', async (ctx, { page }, staff) => {
      await ctx.answerCbQuery();
      await showCityList(ctx, staff, page, 'geo');
    }),
  );
  bot.use(
    staffAction('cityHoursOpen', 'settings', async (ctx, { cityId }) => {
      const city = await cityOr404(ctx, cityId);
      if (city) await showCityHours(ctx, city);
    }),
  );
  bot.use(
    staffAction('geoCity', 'settings', async (ctx, { cityId }) => {
      const city = await cityOr404(ctx, cityId);
      if (city) await showGeoCity(ctx, city);
    }),
  );
  bot.use(
    staffAction('cityHoursEdit', 'settings', async (ctx, { cityId }) => {
      const city = await cityOr404(ctx, cityId);
      if (!city) return;
      setWizard(ctx, { kind: 'cityHours', step: 'hours', data: { cityId } });
      const h = cityHours(city, await loadSettings(db));
      await ctx.reply(T.askCityHours(city.name, h.text), {
        parse_mode: 'HTML',
        reply_markup: cancelKeyboard(),
      });
    }),
  );
  bot.use(
    staffAction('cityHoursReset', 'settings', async (ctx, { cityId }, staff) => {
      const city = await cityOr404(ctx, cityId);
      if (!city) return;
      await saveCityHours(staff, city, null);
      const fresh = (await loadCity(db, cityId))!;
      await ctx.reply(T.cityHoursCleared(city.name, cityHours(fresh, await loadSettings(db)).text), {
        parse_mode: 'HTML',
      });
      await showCityHours(ctx, fresh);
    }),
  );
  bot.use(
    staffAction('geoAddDistrict', 'settings', async (ctx, { cityId }) => {
      const city = await cityOr404(ctx, cityId);
      if (!city) return;
      setWizard(ctx, { kind: 'district', step: 'name', data: { cityId } });
      await ctx.reply(T.askDistrict(city.name), { parse_mode: 'HTML', reply_markup: cancelKeyboard() });
    }),
  );
  bot.use(
    staffAction('geoTimezone', 'settings', async (ctx, { cityId }) => {
      const city = await cityOr404(ctx, cityId);
      if (!city) return;
      setWizard(ctx, { kind: 'timezone', step: 'zone', data: { cityId } });
      await ctx.reply(T.askTimezone(city.name, city.timezone), {
        parse_mode: 'HTML',
        reply_markup: cancelKeyboard(),
      });
    }),
  );

  async function saveSetting(staff: StaffMember, key: SettingKey, value: number | string | boolean) {
    await db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('settings')
        .select('value')
        .where('key', '=', key)
        .forUpdate()
        .executeTakeFirst();
      await writeSetting(trx, key, value, staff.id);
      await audit(trx, {
        staffId: staff.id,
        action: 'setting.update',
        entityType: 'setting',
        entityId: null,
        payload: { key, from: before?.value ?? null, to: value },
      });
    });
    deps.dispatch.settings.invalidate();
    logger.info({ staff_id: staff.id, key }, 'setting changed');
  }

  async function saveCityHours(staff: StaffMember, city: CityRow, hours: [string, string] | null) {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('cities')
        .set({
          working_hours_start: hours?.[0] ?? null,
          working_hours_end: hours?.[1] ?? null,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', city.id)
        .execute();
      await audit(trx, {
        staffId: staff.id,
        action: 'city.working_hours',
        entityType: 'city',
        entityId: city.id,
        payload: {
          from: city.working_hours_start
            ? [hhmm(city.working_hours_start), hhmm(city.working_hours_end!)]
            : null,
          to: hours,
        },
      });
    });
  }

  async function onSettingValue(
    ctx: AdminContext,
    staff: StaffMember,
    data: Record<string, unknown>,
    text: string,
  ) {
    const token = data.token as Token;
    const key: SettingKey | undefined = TOKEN_KEYS[token];
    if (!key) {
      clearWizard(ctx);
      await ctx.reply(texts.sessionExpired);
      return;
    }
    const checked = validateSetting(key, text.slice(0, 600), await loadSettings(db));
    if (!checked.ok) {
      await ctx.reply(T.invalid(checked.error));
      return;
    }
    await saveSetting(staff, key, checked.value);
    clearWizard(ctx);
    await ctx.reply(T.saved(label(key), display(checked.value)), { parse_mode: 'HTML' });
    await showGroup(ctx, groupOf(TOKEN_OF.get(key)!));
  }

  async function onCityHours(ctx: AdminContext, staff: StaffMember, city: CityRow, text: string) {
    const raw = text.trim();
    if (raw === '-') {
      await saveCityHours(staff, city, null);
      clearWizard(ctx);
      const fresh = (await loadCity(db, city.id))!;
      await ctx.reply(T.cityHoursCleared(city.name, cityHours(fresh, await loadSettings(db)).text));
      await showCityHours(ctx, fresh);
      return;
    }
    const m = HOURS_RANGE.exec(raw);
    const start = m ? parseSettingInput('working_hours_start', m[1]!) : null;
    const end = m ? parseSettingInput('working_hours_end', m[2]!) : null;
    if (!start?.ok || !end?.ok) {
      await ctx.reply(T.badCityHours);
      return;
    }
    const hours: [string, string] = [String(start.value), String(end.value)];
    if (hours[0] >= hours[1]) {
      await ctx.reply(T.cityHoursOrder);
      return;
    }
    await saveCityHours(staff, city, hours);
    clearWizard(ctx);
    await ctx.reply(T.cityHoursSaved(city.name, `${hours[0]}–${hours[1]}`));
    await showCityHours(ctx, (await loadCity(db, city.id))!);
  }

  async function onDistrict(ctx: AdminContext, staff: StaffMember, city: CityRow, text: string) {
    const name = text.trim().replace(/\s+/g, ' ');
    if (name.length < 2 || name.length > 120 || !DISTRICT_NAME.test(name)) {
      await ctx.reply(T.badDistrict);
      return;
    }
    const added = await db.transaction().execute(async (trx) => {
      const exists = await trx
        .selectFrom('districts')
        .select('id')
        .where('city_id', '=', city.id)
        .where(sql<string>`lower(name)`, '=', name.toLowerCase())
        .executeTakeFirst();
      if (exists) return null;
      const row = await trx
        .insertInto('districts')
        .values({ city_id: city.id, name })
        .onConflict((oc) => oc.constraint('uq_districts__city_name').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return null;
      await audit(trx, {
        staffId: staff.id,
        action: 'city.district_add',
        entityType: 'city',
        entityId: city.id,
        payload: { district_id: row.id, name },
      });
      return row.id;
    });
    if (added === null) {
      await ctx.reply(T.districtExists);
      return;
    }
    clearWizard(ctx);
    await ctx.reply(T.districtAdded(name, city.name));
    await showGeoCity(ctx, city);
  }

  async function onTimezone(ctx: AdminContext, staff: StaffMember, city: CityRow, text: string) {
    const tz = canonicalTimezone(text);
    if (!tz) {
      await ctx.reply(T.badTimezone);
      return;
    }
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('cities')
        .set({ timezone: tz, updated_at: sql<Date>`now()` })
        .where('id', '=', city.id)
        .execute();
      await audit(trx, {
        staffId: staff.id,
        action: 'city.timezone',
        entityType: 'city',
        entityId: city.id,
        payload: { from: city.timezone, to: tz },
      });
    });
    clearWizard(ctx);
    await ctx.reply(T.timezoneSaved(city.name, tz), { parse_mode: 'HTML' });
    await showGeoCity(ctx, (await loadCity(db, city.id))!);
  }

  // Typed values of the open settings wizard.
  bot.on('message', async (ctx, next) => {
    const kind = ctx.session?.wizard?.kind as WizardKind | undefined;
    if (!kind || !WIZARDS.includes(kind)) return next();
    const text = 'text' in ctx.message ? ctx.message.text : undefined;
    if (text?.startsWith('/')) return next();
    const w = currentWizard(ctx, kind);
    if (w === 'expired') {
      await ctx.reply(texts.sessionExpired);
      return;
    }
    const staff = ctx.staff;
    if (!w || !staff) return next();
    if (!can(staff, 'settings')) {
      clearWizard(ctx);
      await ctx.reply(texts.noRight);
      return;
    }
    if (text === undefined) {
      await ctx.reply(T.notText);
      return;
    }
    setWizard(ctx, { kind: w.kind, step: w.step, data: w.data });
    if (kind === 'setting') {
      await onSettingValue(ctx, staff, w.data, text);
      return;
    }
    const city = await loadCity(db, Number(w.data.cityId));
    if (!city) {
      clearWizard(ctx);
      await ctx.reply(T.cityGone);
      return;
    }
    if (kind === 'cityHours') await onCityHours(ctx, staff, city, text.slice(0, 100));
    else if (kind === 'district') await onDistrict(ctx, staff, city, text.slice(0, 200));
    else await onTimezone(ctx, staff, city, text.slice(0, 100));
  });
}
