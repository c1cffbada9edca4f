import { REQUISITE_FIELDS } from '@fs/dispatch';
import { CATEGORIES, STAFF_ROLES } from '@fs/domain';
import { action, idArg, intArg, oneOfArg } from '@fs/telegram';

/** Admin bot: masters, moderation, finance, staff and access. Codes start with `a:m`, `a:f`, `a:p`. */

const page = intArg(0, 9999);
const masterId = idArg;
/** 0 = "all" in filters. */
const cityOrAll = intArg(0, 2_147_483_647);

export const MASTER_STATUS_FILTERS = ['all', 'pending', 'approved', 'rejected'] as const;
export const MASTER_SKILL_FILTERS = ['all', ...CATEGORIES] as const;
export const MASTER_SHIFT_FILTERS = ['all', 'on', 'off'] as const;
export const MASTER_BLOCK_FILTERS = ['all', 'yes', 'no'] as const;
export const COMMISSION_GROUPS = ['reported', 'due', 'overdue', 'approved'] as const;
export const COMMISSION_PERIODS = ['today', 'yesterday', 'week', 'month', 'older'] as const;
export const STAFF_WIZARD_MODES = ['code', 'add'] as const;

export const ADMIN_MASTERS_CALLBACKS = {
  // Masters: list, filters, card and actions.
  mastersList: action('a:mls', { page }),
  mastersFilters: action('a:mf', {}),
  mastersFilterCity: action('a:mfc', { cityId: cityOrAll }),
  mastersFilterCities: action('a:mfp', { page }),
  mastersFilterStatus: action('a:mfs', { v: oneOfArg(MASTER_STATUS_FILTERS) }),
  mastersFilterSkill: action('a:mfk', { v: oneOfArg(MASTER_SKILL_FILTERS) }),
  mastersFilterShift: action('a:mfo', { v: oneOfArg(MASTER_SHIFT_FILTERS) }),
  mastersFilterBlocked: action('a:mfb', { v: oneOfArg(MASTER_BLOCK_FILTERS) }),
  mastersFilterReset: action('a:mfr', {}),
  masterBlock: action('a:mbl', { masterId }),
  masterUnblock: action('a:mub', { masterId }),
  masterLimit: action('a:mlim', { masterId }),
  masterDistricts: action('a:mdi', { masterId, page }),
  masterDistrictToggle: action('a:mdt', { masterId, districtId: idArg, page }),
  masterDistrictsSave: action('a:mds', { masterId }),
  masterSkills: action('a:msk', { masterId }),
  masterSkillToggle: action('a:mst', { masterId, skill: oneOfArg(CATEGORIES) }),
  masterSkillsSave: action('a:mss', { masterId }),
  masterMessage: action('a:mmsg', { masterId }),
  masterDocs: action('a:mdoc', { masterId }),
  /** Leaves a masters wizard and shows the master's card again. */
  masterBack: action('a:mbk', { masterId }),
  // Moderation.
  moderationList: action('a:mdl', { page }),
  masterApprove: action('a:mapp', { masterId }),
  masterReject: action('a:mrej', { masterId }),
  // Finance.
  financeGroup: action('a:fg', { group: oneOfArg(COMMISSION_GROUPS) }),
  financeList: action('a:fl', {
    group: oneOfArg(COMMISSION_GROUPS),
    period: oneOfArg(COMMISSION_PERIODS),
    page,
  }),
  commissionReceipts: action('a:frc', { commissionId: idArg }),
  commissionApprove: action('a:fa', { commissionId: idArg }),
  commissionApproveConfirm: action('a:fac', { commissionId: idArg }),
  commissionReject: action('a:frj', { commissionId: idArg }),
  financeBalances: action('a:fb', { page }),
  ownerRequisitesView: action('a:freq', {}),
  ownerRequisitesEdit: action('a:fre', { field: oneOfArg(REQUISITE_FIELDS) }),
  // Staff and access.
  staffRolePick: action('a:pr', { mode: oneOfArg(STAFF_WIZARD_MODES) }),
  staffRoleSet: action('a:prs', { mode: oneOfArg(STAFF_WIZARD_MODES), role: oneOfArg(STAFF_ROLES) }),
  staffCityToggle: action('a:pct', { cityId: idArg, page }),
  staffCitiesPage: action('a:pcp', { page }),
  staffCitiesDone: action('a:pcd', {}),
  staffList: action('a:pl', { page }),
  staffCard: action('a:ps', { staffId: idArg }),
  staffDeactivate: action('a:pd', { staffId: idArg }),
  staffActivate: action('a:pe', { staffId: idArg }),
  staffCodes: action('a:pk', { page }),
  staffCodeRevoke: action('a:pkr', { codeId: idArg }),
} as const;
