import { action, idArg, intArg, oneOfArg } from '@fs/telegram';

/** Admin bot: reports, settings, logs. Codes start with `a:r`, `a:s`, `a:l`. */

export const REPORT_KINDS = ['orders', 'comm', 'refs', 'kpi'] as const;
export const REPORT_PERIODS = ['today', 'yesterday', 'last7', 'month', 'prevmonth', 'custom'] as const;
export const SETTINGS_GROUPS = ['dist', 'limits', 'comm', 'hours', 'support', 'channels', 'geo'] as const;
/** Short tokens of the editable settings (the admin bot maps each to its `SETTINGS` key). */
export const SETTING_TOKENS = [
  'sla',
  'rounds',
  'perround',
  'tick',
  'escmin',
  'digest',
  'notify',
  'dweight',
  'dradius',
  'maxact',
  'cdeadline',
  'crate',
  'cratehi',
  'cthresh',
  'guarpay',
  'warranty',
  'whstart',
  'whend',
  'asaplate',
  'slots',
  'ref1',
  'ref2',
  'support',
  'alerts',
  'logs',
] as const;
export const LOG_FILTERS = ['all', 'sys', 'staff'] as const;

const kind = oneOfArg(REPORT_KINDS);
/** A city id, or 0 for "all cities in the staff member's scope". */
const cityOrAll = intArg(0, 2_147_483_647);
const page = intArg(0, 999);

export const ADMIN_OPS_CALLBACKS = {
  /** A report chosen: next the city (if there is a choice) or the period. */
  reportKind: action('a:rk', { kind }),
  reportCities: action('a:rl', { kind, page }),
  reportCity: action('a:rc', { kind, cityId: cityOrAll }),
  reportPeriod: action('a:rp', { kind, cityId: cityOrAll, period: oneOfArg(REPORT_PERIODS) }),
  reportCancel: action('a:rx', {}),

  settingsGroup: action('a:sg', { group: oneOfArg(SETTINGS_GROUPS) }),
  settingEdit: action('a:se', { key: oneOfArg(SETTING_TOKENS) }),
  settingCancel: action('a:sx', {}),
  cityHoursList: action('a:sh', { page }),
  cityHoursOpen: action('a:sho', { cityId: idArg }),
  cityHoursEdit: action('a:she', { cityId: idArg }),
  cityHoursReset: action('a:shr', { cityId: idArg }),
  geoCities: action('a:sgl', { page }),
  geoCity: action('a:sgc', { cityId: idArg }),
  geoAddDistrict: action('a:sgd', { cityId: idArg }),
  geoTimezone: action('a:sgt', { cityId: idArg }),

  logsPage: action('a:lp', { filter: oneOfArg(LOG_FILTERS), page }),
} as const;
