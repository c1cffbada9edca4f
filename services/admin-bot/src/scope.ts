import type { StaffActor } from '@fs/dispatch';
import type { StaffRole } from '@fs/domain';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { StaffMember } from './queries/staff';

/**
 * Who may do what, and in which cities. Every admin handler and every query goes through
 * these functions (not only the menu): a forged callback for another city's order or a
 * section the role lacks is refused the same way as a missing button.
 */
export type Capability =
  | 'orders'
  | 'masters'
  | 'moderation'
  | 'finance'
  | 'reports'
  /** 📈 KPI of the staff member's cities (every role; exports need 'reports'). */
  | 'kpi'
  | 'settings'
  | 'staff'
  | 'logs';

const ROLE_CAPABILITIES: Record<StaffRole, ReadonlySet<Capability>> = {
  global_admin: new Set([
    'orders',
    'masters',
    'moderation',
    'finance',
    'reports',
    'kpi',
    'settings',
    'staff',
    'logs',
  ]),
  city_admin: new Set(['orders', 'masters', 'moderation', 'finance', 'reports', 'kpi']),
  logist: new Set(['orders', 'masters', 'kpi']),
};

export function can(staff: Pick<StaffMember, 'role'>, capability: Capability): boolean {
  return ROLE_CAPABILITIES[staff.role].has(capability);
}

/** The cities a staff member sees: every city for a global admin, else their own (maybe none). */
export type CityScope = { all: true } | { all: false; cityIds: readonly number[] };

export const isGlobal = (staff: Pick<StaffMember, 'role'>): boolean => staff.role === 'global_admin';

export function cityScope(staff: Pick<StaffMember, 'role' | 'cityIds'>): CityScope {
  return isGlobal(staff) ? { all: true } : { all: false, cityIds: staff.cityIds };
}

export function inScope(staff: Pick<StaffMember, 'role' | 'cityIds'>, cityId: number | null): boolean {
  if (isGlobal(staff)) return true;
  return cityId !== null && staff.cityIds.includes(cityId);
}

/** Whether the staff member sees any city at all (a global admin always does). */
export const hasCities = (staff: Pick<StaffMember, 'role' | 'cityIds'>): boolean =>
  isGlobal(staff) || staff.cityIds.length > 0;

/** The staff member's only city when they have exactly one (a global admin has them all). */
export const singleCity = (staff: Pick<StaffMember, 'role' | 'cityIds'>): number | null =>
  !isGlobal(staff) && staff.cityIds.length === 1 ? staff.cityIds[0]! : null;

/** The SQL condition "this row's city is in `scope`" (an empty list matches nothing). */
export function scopeCondition(column: string, scope: CityScope): RawBuilder<SqlBool> {
  if (scope.all) return sql<SqlBool>`true`;
  return sql<SqlBool>`${sql.ref(column)} = any(${[...scope.cityIds]}::int[])`;
}

/**
 * The SQL condition "this row's city is in the staff member's scope":
 * `.where(cityFilter('o.city_id', staff))`. A staff member with no city sees nothing.
 */
export function cityFilter(
  column: string,
  staff: Pick<StaffMember, 'role' | 'cityIds'>,
): RawBuilder<SqlBool> {
  return scopeCondition(column, cityScope(staff));
}

/** The dispatch use cases' view of the acting staff member, with this city scope. */
export function actorOf(staff: StaffMember): StaffActor {
  return { staffId: staff.id, staffName: staff.fullName, inScope: (cityId) => inScope(staff, cityId) };
}
