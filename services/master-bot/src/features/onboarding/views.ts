import { SBP_BANKS } from '@fs/dispatch';
import { CATEGORIES, CATEGORY_LABELS, fitText, TELEGRAM_TEXT_LIMIT } from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import type { InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup } from 'telegraf/types';
import { cbButton } from '../../callbacks';
import type { MasterBotDeps } from '../../context';
import {
  activeCity,
  activeSkills,
  CITY_PAGE_SIZE,
  cityDistricts,
  listCities,
  searchCities,
} from '../../queries/onboarding';
import { mt, texts } from '../../texts';
import { editableSections, type WizardState } from './flow';

/** What each onboarding screen shows: text and buttons. */

const ob = mt.onboarding;
export const DISTRICT_PAGE_SIZE = 6;

export interface StepView {
  text: string;
  markup: InlineKeyboardMarkup;
}

/** The consent buttons under the start screen of a person who is not registered. */
export function consentKeyboard(): InlineKeyboardMarkup {
  return inlineKeyboard([
    [cbButton(ob.buttons.consentYes, 'onboardingConsent', { answer: 'yes' })],
    [cbButton(ob.buttons.consentNo, 'onboardingConsent', { answer: 'no' })],
  ]);
}

/** ✏️ Исправить анкету under a rejected master's start screen. */
export function fixKeyboard(): InlineKeyboardMarkup {
  return inlineKeyboard([[cbButton(ob.buttons.fix, 'onboardingStart', {})]]);
}

export const navRow = (): InlineKeyboardButton[] => [
  cbButton(mt.buttons.back, 'onboardingBack', {}),
  cbButton(mt.buttons.cancel, 'wizardCancel', {}),
];

/** The ⬅️ Назад / ❌ Отменить keyboard under prompts that expect text or a file. */
export const navKeyboard = (): InlineKeyboardMarkup => inlineKeyboard([navRow()]);

/** The phone step's reply keyboard: Telegram's share-contact button (typing stays possible). */
export const sharePhoneKeyboard = (): ReplyKeyboardMarkup => ({
  keyboard: [[{ text: ob.buttons.sharePhone, request_contact: true }]],
  resize_keyboard: true,
  one_time_keyboard: true,
});

const mark = (on: boolean, label: string) => `${on ? '✅' : '▫️'} ${label}`;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}

function pager(
  page: number,
  pages: number,
  button: (text: string, page: number) => InlineKeyboardButton,
): InlineKeyboardButton[] {
  if (pages <= 1) return [];
  const row: InlineKeyboardButton[] = [];
  if (page > 0) row.push(button(mt.buttons.prev, page - 1));
  row.push(button(`${page + 1}/${pages}`, page));
  if (page < pages - 1) row.push(button(mt.buttons.next, page + 1));
  return row;
}

export const clampPage = (page: number, total: number, size: number) =>
  Math.max(0, Math.min(page, Math.max(0, Math.ceil(total / size) - 1)));

async function cityView(deps: MasterBotDeps, s: WizardState, page: number, lead?: string): Promise<StepView> {
  const rows: InlineKeyboardButton[][] = [];
  let text: string;
  const search = s.citySearch ? await searchCities(deps.db, s.citySearch) : [];
  if (search.length > 0) {
    text = ob.ask.cityMatches(s.citySearch!);
    rows.push(
      ...chunk(
        search.map((c) => cbButton(c.name, 'onboardingCity', { cityId: c.id })),
        2,
      ),
    );
    rows.push([cbButton(ob.buttons.cityList, 'onboardingCityPage', { page: 0 })]);
  } else {
    const first = await listCities(deps.db, 0);
    const p = clampPage(page, first.total, CITY_PAGE_SIZE);
    const { rows: cities, total } = p === 0 ? first : await listCities(deps.db, p);
    text = s.citySearch ? `${ob.errors.cityNotFound}\n\n${ob.ask.city}` : ob.ask.city;
    rows.push(
      ...chunk(
        cities.map((c) => cbButton(c.name, 'onboardingCity', { cityId: c.id })),
        2,
      ),
    );
    const pages = Math.ceil(total / CITY_PAGE_SIZE);
    const nav = pager(p, pages, (t, to) => cbButton(t, 'onboardingCityPage', { page: to }));
    if (nav.length > 0) rows.push(nav);
  }
  rows.push(navRow());
  return { text: lead ? `${lead}\n\n${text}` : text, markup: inlineKeyboard(rows) };
}

async function districtsView(deps: MasterBotDeps, s: WizardState, page: number): Promise<StepView> {
  const city = s.cityId ? await activeCity(deps.db, s.cityId) : undefined;
  const districts = s.cityId ? await cityDistricts(deps.db, s.cityId) : [];
  const selected = new Set(s.districtIds ?? []);
  const p = clampPage(page, districts.length, DISTRICT_PAGE_SIZE);
  const slice = districts.slice(p * DISTRICT_PAGE_SIZE, (p + 1) * DISTRICT_PAGE_SIZE);
  const rows: InlineKeyboardButton[][] = slice.map((d) => [
    cbButton(mark(selected.has(d.id), d.name), 'onboardingDistrict', { districtId: d.id, page: p }),
  ]);
  const nav = pager(p, Math.ceil(districts.length / DISTRICT_PAGE_SIZE), (t, to) =>
    cbButton(t, 'onboardingDistrictPage', { page: to }),
  );
  if (nav.length > 0) rows.push(nav);
  const all = districts.length > 0 && districts.every((d) => selected.has(d.id));
  rows.push([cbButton(mark(all, ob.buttons.allDistricts), 'onboardingDistrictsAll', { page: p })]);
  rows.push([cbButton(ob.buttons.done, 'onboardingDistrictsDone', {})]);
  rows.push(navRow());
  return { text: ob.ask.districts(city?.name ?? ''), markup: inlineKeyboard(rows) };
}

async function skillsView(deps: MasterBotDeps, s: WizardState): Promise<StepView> {
  const skills = await activeSkills(deps.db);
  const selected = new Set(s.skills ?? []);
  const rows: InlineKeyboardButton[][] = chunk(
    skills.map((k) => cbButton(mark(selected.has(k.code), k.label), 'onboardingSkill', { skill: k.code })),
    2,
  );
  rows.push([cbButton(ob.buttons.done, 'onboardingSkillsDone', {})]);
  rows.push(navRow());
  return { text: ob.ask.skills, markup: inlineKeyboard(rows) };
}

function referralView(s: WizardState): StepView {
  if (s.referralCode) {
    return {
      text: ob.ask.referralPrefilled(s.referralCode),
      markup: inlineKeyboard([
        [cbButton(ob.buttons.keepCode(s.referralCode), 'onboardingReferral', { keep: 'yes' })],
        [cbButton(ob.buttons.noCode, 'onboardingReferral', { keep: 'no' })],
        navRow(),
      ]),
    };
  }
  return {
    text: ob.ask.referral,
    markup: inlineKeyboard([[cbButton(ob.buttons.skip, 'onboardingReferral', { keep: 'no' })], navRow()]),
  };
}

/** The summary card (the form is complete when this is shown). */
/** The summary leaves room for a lead line above it (a referrer's name, an error): stepView. */
const SUMMARY_LIMIT = TELEGRAM_TEXT_LIMIT - 600;

export async function summaryText(
  deps: MasterBotDeps,
  s: WizardState,
  docsRequired: boolean,
): Promise<string> {
  const t = ob.summary;
  const city = s.cityId ? await activeCity(deps.db, s.cityId) : undefined;
  let districts: { names: string[]; all: boolean } | undefined;
  if (s.cityHasDistricts && s.cityId) {
    const all = await cityDistricts(deps.db, s.cityId);
    const chosen = new Set(s.districtIds ?? []);
    const names = all.filter((d) => chosen.has(d.id)).map((d) => d.name);
    districts = { names, all: names.length === all.length };
  }
  return fitText((f) => {
    const lines = [
      t.title,
      '',
      t.name(s.fullName ?? '', f),
      t.phone(s.phone ?? '', f),
      t.city(city?.name ?? '—', f),
    ];
    if (districts) lines.push(t.districts(districts.names, districts.all, f));
    lines.push(t.skills(CATEGORIES.filter((k) => s.skills?.includes(k)).map((k) => CATEGORY_LABELS[k])));
    lines.push(t.vehicle(s.hasVehicle ? (s.vehiclePlate ?? '') : null, f));
    lines.push(t.basePoint(s.basePoint !== undefined));
    const p = s.payout;
    if (p?.method === 'card') lines.push(t.payout.card(p.card_number.slice(-4)));
    else if (p?.method === 'sbp') lines.push(t.payout.sbp(p.sbp_phone, p.sbp_bank, f));
    else if (p?.method === 'yoomoney') lines.push(t.payout.yoomoney(p.account, f));
    else if (p?.method === 'bank_account') lines.push(t.payout.bank_account(p.account_number.slice(-4)));
    if (docsRequired) lines.push(t.documents);
    lines.push(t.referral(s.referralCode, f), '', t.footer);
    return lines.join('\n');
  }, SUMMARY_LIMIT);
}

/**
 * The screen of the wizard's current step. `page` is the list page (cities, districts);
 * `lead` is a line shown above the prompt (an error or a confirmation).
 */
export async function stepView(
  deps: MasterBotDeps,
  s: WizardState,
  docsRequired: boolean,
  opts: { page?: number; lead?: string } = {},
): Promise<StepView> {
  const page = opts.page ?? 0;
  if (s.step === 'city') return cityView(deps, s, page, opts.lead);
  const view = await bareView(deps, s, docsRequired, page);
  return opts.lead ? { ...view, text: `${opts.lead}\n\n${view.text}` } : view;
}

async function bareView(
  deps: MasterBotDeps,
  s: WizardState,
  docsRequired: boolean,
  page: number,
): Promise<StepView> {
  switch (s.step) {
    case 'consent':
      return { text: texts.startUnknown, markup: consentKeyboard() };
    case 'name':
      return { text: ob.ask.name, markup: navKeyboard() };
    case 'phone':
      return { text: ob.ask.phone, markup: navKeyboard() };
    case 'city':
      return cityView(deps, s, page);
    case 'districts':
      return districtsView(deps, s, page);
    case 'skills':
      return skillsView(deps, s);
    case 'vehicle':
      return {
        text: ob.ask.vehicle,
        markup: inlineKeyboard([
          [
            cbButton(ob.buttons.vehicleYes, 'onboardingVehicle', { has: 'yes' }),
            cbButton(ob.buttons.vehicleNo, 'onboardingVehicle', { has: 'no' }),
          ],
          navRow(),
        ]),
      };
    case 'plate':
      return { text: ob.ask.plate, markup: navKeyboard() };
    case 'base_point':
      return {
        text: ob.ask.basePoint,
        markup: inlineKeyboard([[cbButton(ob.buttons.skip, 'onboardingBaseSkip', {})], navRow()]),
      };
    case 'payout':
      return {
        text: ob.ask.payout,
        markup: inlineKeyboard([
          [
            cbButton(ob.buttons.payout.card!, 'onboardingPayout', { method: 'card' }),
            cbButton(ob.buttons.payout.sbp!, 'onboardingPayout', { method: 'sbp' }),
          ],
          [
            cbButton(ob.buttons.payout.yoomoney!, 'onboardingPayout', { method: 'yoomoney' }),
            cbButton(ob.buttons.payout.bank_account!, 'onboardingPayout', { method: 'bank_account' }),
          ],
          navRow(),
        ]),
      };
    case 'requisites':
      return { text: ob.ask.requisites[s.payoutMethod ?? 'card']!, markup: navKeyboard() };
    case 'sbp_bank':
      return {
        text: ob.ask.sbpBank,
        markup: inlineKeyboard([
          ...chunk(
            SBP_BANKS.map((name, bank) => cbButton(name, 'onboardingSbpBank', { bank })),
            3,
          ),
          navRow(),
        ]),
      };
    case 'passport':
      return { text: ob.ask.passport, markup: navKeyboard() };
    case 'selfie':
      return { text: ob.ask.selfie, markup: navKeyboard() };
    case 'referral':
      return referralView(s);
    case 'summary':
      return {
        text: await summaryText(deps, s, docsRequired),
        markup: inlineKeyboard([
          [
            cbButton(ob.buttons.submit, 'onboardingSubmit', {}),
            cbButton(ob.buttons.edit, 'onboardingEditMenu', {}),
          ],
          navRow(),
        ]),
      };
    case 'edit':
      return {
        text: ob.ask.edit,
        markup: inlineKeyboard([
          ...chunk(
            editableSections(s, docsRequired).map((field) =>
              cbButton(ob.buttons.sections[field]!, 'onboardingEdit', { field }),
            ),
            2,
          ),
          navRow(),
        ]),
      };
  }
}
