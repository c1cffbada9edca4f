import type { CreateOrderResult } from '@fs/dispatch';
import {
  asapCutoff,
  asapDecision,
  atLocalTime,
  CATEGORY_LABELS,
  cityWorkingWindow,
  formatLocalDate,
  formatMoment,
  formatTimeslot,
  isSlotBookable,
  isWithinWorkingHours,
  type Settings,
  type SlotBucket,
  slotsOn,
  type Timeslot,
  timeslotBucketsOf,
  todaySlots,
  tomorrowSlots,
} from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { cbButton } from '../../callbacks';
import type { AdminBotDeps } from '../../context';
import { menuRow } from '../../keyboards/menu';
import { cityDistricts } from '../../queries/cities';
import {
  activeCategories,
  type CityInfo,
  cityPage,
  type NamedRow,
  type StreetRow,
  scopedCity,
} from '../../queries/order-create';
import type { StaffMember } from '../../queries/staff';
import { texts } from '../../texts';
import type { Draft, Field, SlotChoice, Step } from './draft';

/** What each wizard step shows: text and buttons. Reads only; the handlers change state. */

const T = texts.orderCreate;
const B = T.buttons;

export interface Screen {
  text: string;
  keyboard: InlineKeyboardMarkup;
}

/** Extra input of a screen: a page, or search results to show instead of the list. */
export interface ScreenInput {
  page?: number;
  query?: string;
  found?: NamedRow[];
  streets?: StreetRow[];
}

const pairs = (buttons: InlineKeyboardButton[]): InlineKeyboardButton[][] => {
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
};
const navRow = () => [cbButton(B.back, 'ocBack', {}), cbButton(B.cancel, 'ocCancel', {})];
const simple = (text: string, extra: InlineKeyboardButton[][] = []): Screen => ({
  text,
  keyboard: inlineKeyboard([...extra, navRow()]),
});

function pager(page: number, pages: number, name: 'ocCityPage' | 'ocDistrictPage'): InlineKeyboardButton[] {
  if (pages <= 1) return [];
  const row: InlineKeyboardButton[] = [];
  if (page > 0) row.push(cbButton(texts.buttons.prev, name, { page: page - 1 }));
  if (page < pages - 1) row.push(cbButton(texts.buttons.next, name, { page: page + 1 }));
  return row;
}

export function modeScreen(): Screen {
  return {
    text: T.modeTitle,
    keyboard: inlineKeyboard([[cbButton(B.quick, 'ocQuick', {}), cbButton(B.full, 'ocFull', {})], menuRow()]),
  };
}

/** The city's zone, working window, slot buckets and the ASAP threshold, as of now. */
export interface SlotContext {
  city: CityInfo;
  window: { start: string; end: string };
  buckets: SlotBucket[];
  lateThreshold: string;
  /** A slot ending sooner than this is not offered or accepted (setting slot_lead_minutes). */
  leadMinutes: number;
  now: Date;
}

export function slotContext(city: CityInfo, settings: Settings, now: Date): SlotContext {
  return {
    city,
    window: cityWorkingWindow(city, settings),
    buckets: timeslotBucketsOf(settings.order_timeslots),
    lateThreshold: settings.asap_late_threshold,
    leadMinutes: settings.slot_lead_minutes,
    now,
  };
}

/** Whether a visit can still be booked into `slot` (the one rule for showing and accepting it). */
export const bookable = (slot: Pick<Timeslot, 'end'>, sc: SlotContext): boolean =>
  isSlotBookable(slot, sc.now, sc.leadMinutes);

/** A chosen slot as concrete instants (a bucket on its local date). */
export function slotOfChoice(choice: Extract<SlotChoice, { kind: 'slot' }>, tz: string): Timeslot {
  return {
    date: choice.date,
    bucket: { start: choice.start, end: choice.end },
    start: atLocalTime(choice.date, choice.start, tz),
    end: atLocalTime(choice.date, choice.end, tz),
  };
}

export function slotLabel(choice: SlotChoice, tz: string, now: Date): string {
  if (choice.kind === 'asap') return T.asapLabel;
  const slot = slotOfChoice(choice, tz);
  return formatTimeslot({ start: slot.start, end: slot.end }, tz, now);
}

/** "14:05" in the city's zone. */
const localClock = (now: Date, tz: string) =>
  new Intl.DateTimeFormat('ru-RU', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(now);

const bucketLabel = (day: string, b: SlotBucket) => T.slotButton(day, b.start, b.end);

function slotScreen(sc: SlotContext): Screen {
  const { city, buckets, now, leadMinutes } = sc;
  const tz = city.timezone;
  // Buttons carry the bucket's index (the handler re-checks that bucket), so bookable ones are
  // picked by bucket, not renumbered.
  const dayButtons = (slots: Timeslot[], day: 't' | 'm', label: string) => {
    const open = new Set(slots.map((s) => s.bucket.start));
    return buckets.flatMap((b, idx) =>
      open.has(b.start) ? [cbButton(bucketLabel(label, b), 'ocSlot', { day, idx })] : [],
    );
  };
  const today = dayButtons(todaySlots(now, tz, buckets, leadMinutes), 't', T.today);
  const tomorrow = dayButtons(tomorrowSlots(now, tz, buckets, leadMinutes), 'm', T.tomorrow);
  return simple(T.prompt.slot(localClock(now, tz)), [
    [cbButton(B.asap, 'ocAsap', {})],
    ...pairs(today),
    ...pairs(tomorrow),
    [cbButton(B.otherDate, 'ocSlotDate', {})],
  ]);
}

function slotsOfDateScreen(sc: SlotContext, date: string): Screen {
  const tz = sc.city.timezone;
  const shown = formatLocalDate(date, sc.now, tz);
  const open = slotsOn(date, sc.buckets, tz).flatMap((s, idx) =>
    bookable(s, sc) ? [cbButton(bucketLabel(shown, s.bucket), 'ocSlot', { day: 'd', idx })] : [],
  );
  const text = open.length > 0 ? T.prompt.slotsOfDate(shown) : T.prompt.noSlotsOfDate(shown);
  return {
    text,
    keyboard: inlineKeyboard([
      ...pairs(open),
      [cbButton(B.otherDate, 'ocSlotDate', {}), cbButton(B.todayTomorrow, 'ocSlotMenu', {})],
      [cbButton(B.cancel, 'ocCancel', {})],
    ]),
  };
}

function addressLine(d: Draft): string {
  return [d.cityName, d.districtName, d.street, d.house, d.apartment ? `кв. ${d.apartment}` : null]
    .filter(Boolean)
    .join(', ');
}

export function quickFoundNote(d: Draft): string {
  return T.quickFound(addressLine(d));
}

async function confirmScreen(d: Draft, sc: SlotContext, files: number): Promise<Screen> {
  const C = T.card;
  const tz = sc.city.timezone;
  const lines = [C.title, '', C.city(d.cityName ?? sc.city.name), C.district(d.districtName ?? null)];
  lines.push(C.street(d.street ?? null));
  if (d.house) lines.push(C.house(d.house));
  if (d.apartment) lines.push(C.apartment(d.apartment));
  if (d.comment) lines.push(C.comment(d.comment));
  lines.push(C.client(d.clientName ?? ''));
  if (d.clientPhone) lines.push(C.phone(d.clientPhone));
  if (d.category) lines.push(C.category(CATEGORY_LABELS[d.category]));
  if (d.description) lines.push(C.description(d.description));
  if (d.slot) lines.push(C.slot(slotLabel(d.slot, tz, sc.now)));
  lines.push(C.type(d.type === 'guarantee'));
  lines.push(C.files(files));
  const notes: string[] = [];
  if (!d.districtId) notes.push(C.noDistrict);
  if (!isWithinWorkingHours(sc.now, tz, sc.window.start, sc.window.end))
    notes.push(C.outsideHours(sc.window.start, sc.window.end));
  if (notes.length > 0) lines.push('', ...notes);
  return {
    text: lines.join('\n'),
    keyboard: inlineKeyboard([
      [cbButton(B.create, 'ocCreate', {}), cbButton(B.edit, 'ocEditMenu', {})],
      [cbButton(B.cancel, 'ocCancel', {})],
    ]),
  };
}

function editMenuScreen(): Screen {
  const fields = Object.entries(T.fields) as [Field, string][];
  return {
    text: T.prompt.editMenu,
    keyboard: inlineKeyboard([
      ...pairs(fields.map(([field, label]) => cbButton(label, 'ocEditField', { field }))),
      [cbButton(B.toCard, 'ocConfirm', {})],
    ]),
  };
}

/** "✅ Заказ #N создан." with its status and the button that opens the order card. */
export function createdScreen(result: CreateOrderResult, d: Draft, tz: string, now: Date): Screen {
  const C = T.created;
  const lines = [C.title(result.orderId)];
  if (result.status === 'deferred' && result.deferredUntil)
    lines.push(C.deferred(formatMoment(result.deferredUntil, tz, now)));
  else lines.push(result.status === 'guarantee' ? C.guarantee : C.searching);
  if (!d.districtId) lines.push(C.noDistrict);
  return {
    text: lines.join('\n'),
    keyboard: inlineKeyboard([
      [cbButton(B.openOrder(result.orderId), 'adminOrderOpen', { orderId: result.orderId })],
      [cbButton(B.another, 'orderCreateMenu', {})],
      menuRow(),
    ]),
  };
}

export interface ScreenDeps {
  deps: AdminBotDeps;
  staff: StaffMember;
  /** Attached files so far (the files step and the card show the count). */
  fileCount: () => Promise<number>;
}

/** Renders a step. Undefined when the draft's city is no longer in the staff member's scope. */
export async function renderStep(
  sd: ScreenDeps,
  d: Draft,
  step: Step,
  input: ScreenInput = {},
): Promise<Screen | undefined> {
  const P = T.prompt;
  switch (step) {
    case 'city':
    case 'district':
    case 'street':
      return addressScreen(sd, d, step, input);
    case 'slot':
    case 'slotDate':
    case 'slotsOfDate':
    case 'late':
    case 'confirm':
      return timeScreen(sd, d, step);
    case 'mode':
      return modeScreen();
    case 'quickPhone':
      return simple(P.quickPhone);
    case 'streetManual':
      return simple(P.streetManual);
    case 'house':
      return simple(P.house);
    case 'apartment':
      return simple(P.apartment, [[cbButton(B.skip, 'ocSkip', {})]]);
    case 'comment':
      return simple(P.comment, [[cbButton(B.skip, 'ocSkip', {})]]);
    case 'name':
      return simple(P.name);
    case 'phone':
      return simple(P.phone);
    case 'category': {
      const cats = await activeCategories(sd.deps.db);
      const buttons = cats.map((category) => cbButton(CATEGORY_LABELS[category], 'ocCategory', { category }));
      return simple(P.category, pairs(buttons));
    }
    case 'description':
      return simple(P.description);
    case 'type':
      return simple(P.type, [
        [
          cbButton(B.normal, 'ocType', { type: 'normal' }),
          cbButton(B.guarantee, 'ocType', { type: 'guarantee' }),
        ],
      ]);
    case 'files': {
      const n = await sd.fileCount();
      const row = [cbButton(B.filesAdd, 'ocFilesAdd', {}), cbButton(B.filesDone, 'ocFilesDone', {})];
      if (n > 0) row.push(cbButton(B.filesClear, 'ocFilesClear', {}));
      return simple(P.files(n), [row]);
    }
    case 'editMenu':
      return editMenuScreen();
  }
}

/** The city, district and street steps: a page of the list, or the matches of a typed search. */
async function addressScreen(
  sd: ScreenDeps,
  d: Draft,
  step: 'city' | 'district' | 'street',
  input: ScreenInput,
): Promise<Screen | undefined> {
  const { db } = sd.deps;
  const P = T.prompt;
  if (step === 'city') {
    if (input.found) {
      const buttons = input.found.map((c) => cbButton(c.name, 'ocCity', { cityId: c.id }));
      return simple(P.citySearch(input.query ?? ''), pairs(buttons));
    }
    const { rows, page, pages } = await cityPage(db, sd.staff, input.page ?? 0);
    const buttons = rows.map((c) => cbButton(c.name, 'ocCity', { cityId: c.id }));
    return simple(P.city(page, pages), [...pairs(buttons), pager(page, pages, 'ocCityPage')]);
  }
  if (step === 'district') {
    const c = d.cityId === undefined ? undefined : await scopedCity(db, sd.staff, d.cityId);
    if (!c) return undefined;
    const none = [cbButton(B.districtNone, 'ocDistrictNone', {})];
    if (input.found) {
      const buttons = input.found.map((x) => cbButton(x.name, 'ocDistrict', { districtId: x.id }));
      return simple(P.districtSearch(input.query ?? ''), [...pairs(buttons), none]);
    }
    const { rows, page, pages, total } = await cityDistricts(db, c.id, input.page ?? 0);
    if (total === 0) return simple(P.noDistricts(c.name), [none]);
    const buttons = rows.map((x) => cbButton(x.name, 'ocDistrict', { districtId: x.id }));
    return simple(P.district(c.name, page, pages), [
      ...pairs(buttons),
      pager(page, pages, 'ocDistrictPage'),
      none,
    ]);
  }
  const options = [
    cbButton(B.streetManual, 'ocStreetManual', {}),
    cbButton(B.streetNone, 'ocStreetNone', {}),
  ];
  if (!input.streets) return simple(P.street, [options]);
  const buttons = input.streets.map((s) =>
    cbButton(s.district_name ? `${s.name} (${s.district_name})` : s.name, 'ocStreet', { streetId: s.id }),
  );
  return simple(P.streetResults(input.query ?? ''), [...buttons.map((b) => [b]), options]);
}

/** The visit-time steps and the confirmation card: they need the city's clock and slots. */
async function timeScreen(
  sd: ScreenDeps,
  d: Draft,
  step: 'slot' | 'slotDate' | 'slotsOfDate' | 'late' | 'confirm',
): Promise<Screen | undefined> {
  if (step === 'slotDate') {
    return {
      text: T.prompt.slotDate,
      keyboard: inlineKeyboard([
        [cbButton(B.todayTomorrow, 'ocSlotMenu', {})],
        [cbButton(B.cancel, 'ocCancel', {})],
      ]),
    };
  }
  const city = d.cityId === undefined ? undefined : await scopedCity(sd.deps.db, sd.staff, d.cityId);
  if (!city) return undefined;
  const sc = slotContext(city, await sd.deps.dispatch.settings.get(), sd.deps.now());
  switch (step) {
    case 'slot':
      return slotScreen(sc);
    case 'slotsOfDate':
      return d.slotDate ? slotsOfDateScreen(sc, d.slotDate) : slotScreen(sc);
    case 'confirm':
      return confirmScreen(d, sc, await sd.fileCount());
    case 'late': {
      const decision = asapDecision({ ...sc, tz: sc.city.timezone });
      // Past midnight ASAP is possible again: offer the slots afresh.
      if (decision.kind !== 'late') return slotScreen(sc);
      const { start, end } = decision.slot;
      return {
        text: T.prompt.late(
          asapCutoff(sc.window, sc.lateThreshold),
          formatTimeslot({ start, end }, sc.city.timezone, sc.now),
        ),
        keyboard: inlineKeyboard([
          [cbButton(B.lateOk, 'ocLateOk', {}), cbButton(B.lateOther, 'ocSlotMenu', {})],
          [cbButton(B.cancel, 'ocCancel', {})],
        ]),
      };
    }
  }
}
