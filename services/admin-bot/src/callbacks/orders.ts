import { CATEGORIES, ORDER_STATUSES } from '@fs/domain';
import { action, idArg, intArg, oneOfArg } from '@fs/telegram';

/** The order lists: 📋 Очередь, 🛡 На гарантии, ✅ Закрытые. */
export const ORDER_SECTIONS = ['queue', 'warranty', 'closed'] as const;
/** A reschedule slot's day: today, tomorrow, or the date staff typed. */
const SLOT_DAYS = ['t', 'm', 'd'] as const;

const page = intArg(0, 9999);
const orderId = idArg;
const masterId = idArg;

/**
 * Admin bot: order queue, filters, search, order card and its actions. Codes start with `a:q`
 * (`a:q` itself is the section entry in admin.ts; `a:o` opens a card from alerts). Every
 * handler re-checks the order's city against the staff member's scope.
 */
export const ADMIN_ORDERS_CALLBACKS = {
  ordersList: action('a:ql', { section: oneOfArg(ORDER_SECTIONS), page }),
  /** Shows the card in place of the pressed message (lists, back, refresh). */
  ordersCard: action('a:qo', { orderId }),
  ordersSearch: action('a:qs', {}),
  /** A page of the last search's results (the query is in the search wizard's state). */
  ordersSearchPage: action('a:qsp', { page }),
  ordersFilters: action('a:qf', {}),
  ordersFilterCities: action('a:qfc', { page }),
  /** cityId 0 = any city. */
  ordersFilterCity: action('a:qfcs', { cityId: intArg(0, 2_147_483_647) }),
  ordersFilterStatuses: action('a:qfs', {}),
  ordersFilterStatus: action('a:qfss', { status: oneOfArg(['all', ...ORDER_STATUSES]) }),
  ordersFilterCategories: action('a:qfk', {}),
  ordersFilterCategory: action('a:qfks', { category: oneOfArg(['all', ...CATEGORIES]) }),
  /** Asks for a date typed as ДД.ММ. */
  ordersFilterDate: action('a:qfd', {}),
  ordersFilterDateClear: action('a:qfdc', {}),
  /** Asks for a master (id, name or phone). */
  ordersFilterMaster: action('a:qfm', {}),
  ordersFilterMasterSet: action('a:qfms', { masterId }),
  ordersFilterMasterClear: action('a:qfmc', {}),
  ordersFilterReset: action('a:qfr', {}),

  ordersDistribute: action('a:qd', { orderId }),
  ordersCandidates: action('a:qc', { orderId, page }),
  ordersCandidate: action('a:qm', { orderId, masterId }),
  ordersOffer: action('a:qmo', { orderId, masterId }),
  ordersAssign: action('a:qma', { orderId, masterId }),
  ordersReschedule: action('a:qr', { orderId }),
  ordersRescheduleSlot: action('a:qrs', { orderId, day: oneOfArg(SLOT_DAYS), idx: intArg(0, 15) }),
  ordersRescheduleAsap: action('a:qra', { orderId }),
  /** Asks for a date typed as ДД.ММ. */
  ordersRescheduleDate: action('a:qrd', { orderId }),
  ordersCancel: action('a:qx', { orderId }),
  ordersReturn: action('a:qb', { orderId }),
  ordersReturnConfirm: action('a:qbc', { orderId }),
  ordersGuarantee: action('a:qg', { orderId }),
  ordersGuaranteeConfirm: action('a:qgc', { orderId }),
  ordersAct: action('a:qa', { orderId }),
  /** 📍 Уточнить точку: staff send a Telegram location for the order. */
  ordersPin: action('a:qp', { orderId }),
  /** 🔗 Ссылка для клиента: the order's deep link to the client bot, for staff to send on. */
  ordersClientLink: action('a:qcl', { orderId }),
} as const;
