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
    'settings',
    'staff',
    'logs',
  ]),
  city_admin: new Set(['orders', 'masters', 'moderation', 'finance', 'reports']),
  logist: new Set(['orders', 'masters']),
};

export function can(staff: Pick<StaffMember, 'role'>, capability: Capability): boolean {
  return ROLE_CAPABILITIES[staff.role].has(capability);
}

/** The cities a staff member sees: every city for a global admin, else their own (maybe none). */
export type CityScope = { all: true } | { all: false; cityIds: readonly number[] };

export function cityScope(staff: Pick<StaffMember, 'role' | 'cityIds'>): CityScope {
  return staff.role === 'global_admin' ? { all: true } : { all: false, cityIds: staff.cityIds };
}

export function inScope(staff: Pick<StaffMember, 'role' | 'cityIds'>, cityId: number | null): boolean {
  if (staff.role === 'global_admin') return true;
  return cityId !== null && staff.cityIds.includes(cityId);
}

/**
 * The SQL condition "this row's city is in the staff member's scope":
 * `.where(cityFilter('o.city_id', staff))`. A staff member with no city sees nothing.
 */
export function cityFilter(
  column: string,
  staff: Pick<StaffMember, 'role' | 'cityIds'>,
): RawBuilder<SqlBool> {
  const scope = cityScope(staff);
  if (scope.all) return sql<SqlBool>`true`;
  return sql<SqlBool>`${sql.ref(column)} = any(${[...scope.cityIds]}::int[])`;
}

/** The dispatch use cases' view of the acting staff member, with this city scope. */
export function actorOf(staff: StaffMember): StaffActor {
  return { staffId: staff.id, staffName: staff.fullName, inScope: (cityId) => inScope(staff, cityId) };
}
