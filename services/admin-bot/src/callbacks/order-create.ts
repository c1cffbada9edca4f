import { CATEGORIES, ORDER_TYPES } from '@fs/domain';
import { action, idArg, intArg, oneOfArg } from '@fs/telegram';

/** Fields the confirmation card's "✏️ Изменить" can jump back to, in the full flow's order. */
export const ORDER_CREATE_FIELDS = [
  'city',
  'district',
  'street',
  'house',
  'apartment',
  'comment',
  'name',
  'phone',
  'category',
  'description',
  'slot',
  'type',
  'files',
] as const;

/** Slot day of a slot button: today, tomorrow, or the date staff typed. */
const SLOT_DAYS = ['t', 'm', 'd'] as const;

const page = intArg(0, 999);

/**
 * Admin bot: order creation wizard. Codes start with `a:n`. Every step's buttons are accepted
 * only while the wizard is on that step; ids are re-checked against the staff member's cities.
 */
export const ADMIN_ORDER_CREATE_CALLBACKS = {
  ocQuick: action('a:nq', {}),
  ocFull: action('a:nf', {}),
  ocCity: action('a:nc', { cityId: idArg }),
  ocCityPage: action('a:ncp', { page }),
  ocDistrict: action('a:nd', { districtId: idArg }),
  ocDistrictNone: action('a:ndn', {}),
  ocDistrictPage: action('a:ndp', { page }),
  ocStreet: action('a:ns', { streetId: idArg }),
  ocStreetManual: action('a:nsm', {}),
  ocStreetNone: action('a:nsn', {}),
  /** Skips the current optional step (apartment, address comment). */
  ocSkip: action('a:nk', {}),
  ocCategory: action('a:nca', { category: oneOfArg(CATEGORIES) }),
  ocAsap: action('a:na', {}),
  ocSlot: action('a:nt', { day: oneOfArg(SLOT_DAYS), idx: intArg(0, 15) }),
  /** Asks for a date typed as ДД.ММ. */
  ocSlotDate: action('a:nda', {}),
  /** Back from a date's slots (or the date prompt) to today/tomorrow. */
  ocSlotMenu: action('a:nsl', {}),
  ocLateOk: action('a:nlo', {}),
  ocType: action('a:ny', { type: oneOfArg(ORDER_TYPES) }),
  ocFilesAdd: action('a:nfa', {}),
  ocFilesDone: action('a:nfd', {}),
  ocFilesClear: action('a:nfc', {}),
  ocCreate: action('a:nok', {}),
  ocEditMenu: action('a:ne', {}),
  ocEditField: action('a:nef', { field: oneOfArg(ORDER_CREATE_FIELDS) }),
  /** Back to the confirmation card. */
  ocConfirm: action('a:ncf', {}),
  ocBack: action('a:nb', {}),
  ocCancel: action('a:nx', {}),
  /** /start found a half-filled order: continue it, or discard the draft. */
  ocResume: action('a:nr', {}),
  ocDiscard: action('a:nz', {}),
} as const;
