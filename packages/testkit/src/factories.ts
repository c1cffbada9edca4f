import type { City, Db, District, Master, NewMaster, NewOrder, Order, StaffUser } from '@fs/db';
import type { Category, OrderStatus, OrderType, StaffRole } from '@fs/domain';

/**
 * Insert helpers for tests. Every option has a default that yields a usable row (an approved,
 * verified master on shift; a searching order), and each returns what it inserted.
 */

// Telegram ids and names unique within a test run: a random base per process plus a counter.
let seq = 0;
const base = 100_000_000 + Math.floor(Math.random() * 1_000_000_000);
const nextUnique = () => base + ++seq * 1_000 + Math.floor(Math.random() * 1_000);
let nameSeq = 0;

export interface CityFixture {
  city: City;
  districts: District[];
  /** A district of this city by name; throws when it does not exist. */
  district(name: string): District;
}

function cityFixture(city: City, districts: District[]): CityFixture {
  return {
    city,
    districts,
    district(name) {
      const d = districts.find((x) => x.name === name);
      if (!d)
        throw new Error(
          `No district "${name}" in ${city.name} (has: ${districts.map((x) => x.name).join(', ')})`,
        );
      return d;
    },
  };
}

/** A seeded city ('Москва' Europe/Moscow with 'ЦАО'…, 'Новосибирск', 'Владивосток', …) and its districts. */
export async function getCity(db: Db, name: string): Promise<CityFixture> {
  const city = await db.selectFrom('cities').selectAll().where('name', '=', name).executeTakeFirst();
  if (!city) throw new Error(`No city "${name}" (is the database seeded?)`);
  const districts = await db
    .selectFrom('districts')
    .selectAll()
    .where('city_id', '=', city.id)
    .orderBy('id')
    .execute();
  return cityFixture(city, districts);
}

export interface CreateCityOptions {
  name?: string;
  timezone?: string;
  /** District names (default two); [] for a city without districts. */
  districts?: string[];
  /** 'HH:MM'; both or neither. */
  workingHoursStart?: string;
  workingHoursEnd?: string;
  isActive?: boolean;
}

export async function createCity(db: Db, options: CreateCityOptions = {}): Promise<CityFixture> {
  return db.transaction().execute(async (trx) => {
    const city = await trx
      .insertInto('cities')
      .values({
        name: options.name ?? `Тестоград-${++nameSeq}-${nextUnique()}`,
        timezone: options.timezone ?? 'Europe/Moscow',
        working_hours_start: options.workingHoursStart ?? null,
        working_hours_end: options.workingHoursEnd ?? null,
        ...(options.isActive !== undefined ? { is_active: options.isActive } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const names = options.districts ?? ['Центральный', 'Северный'];
    const districts =
      names.length === 0
        ? []
        : await trx
            .insertInto('districts')
            .values(names.map((name) => ({ city_id: city.id, name })))
            .returningAll()
            .execute();
    return cityFixture(city, districts);
  });
}

async function defaultCityId(db: Db): Promise<number> {
  return (await getCity(db, 'Москва')).city.id;
}

export interface CreateMasterOptions {
  /** Default: the seeded 'Москва'. */
  cityId?: number;
  /** Default none (the master then takes the city's orders through the citywide fallback). */
  districtIds?: number[];
  skills?: Category[];
  /** shift_status 'on' (default) or 'off'. */
  onShift?: boolean;
  /** Default true: moderation 'approved', verified. false: 'pending', not verified. */
  approved?: boolean;
  hasVehicle?: boolean;
  rating?: number;
  tgUserId?: number;
  fullName?: string;
  username?: string | null;
  phone?: string;
  maxActiveOrdersOverride?: number | null;
  isBlocked?: boolean;
  isUnreachable?: boolean;
  /** Any other masters column. */
  overrides?: Partial<NewMaster>;
}

export type MasterFixture = Master & { districtIds: number[]; skills: Category[] };

export async function createMaster(db: Db, options: CreateMasterOptions = {}): Promise<MasterFixture> {
  const cityId = options.cityId ?? (await defaultCityId(db));
  const approved = options.approved ?? true;
  const unique = nextUnique();
  const skills = options.skills ?? ['electrics'];
  const districtIds = options.districtIds ?? [];
  const values: NewMaster = {
    tg_user_id: options.tgUserId ?? unique,
    username: options.username === undefined ? `master_${unique}` : options.username,
    full_name: options.fullName ?? `Мастер ${unique}`,
    phone: options.phone ?? `+79${String(unique).slice(-9).padStart(9, '0')}`,
    city_id: cityId,
    has_vehicle: options.hasVehicle ?? false,
    moderation_status: approved ? 'approved' : 'pending',
    verified: approved,
    verified_at: approved ? new Date() : null,
    shift_status: (options.onShift ?? true) ? 'on' : 'off',
    is_blocked: options.isBlocked ?? false,
    is_unreachable: options.isUnreachable ?? false,
    max_active_orders_override: options.maxActiveOrdersOverride ?? null,
    pdn_accepted_at: new Date(),
    ...(options.rating !== undefined ? { rating: options.rating } : {}),
    ...(options.isBlocked ? { blocked_at: new Date(), blocked_reason: 'test' } : {}),
    ...options.overrides,
  };
  return db.transaction().execute(async (trx) => {
    const master = await trx.insertInto('masters').values(values).returningAll().executeTakeFirstOrThrow();
    if (districtIds.length > 0) {
      await trx
        .insertInto('master_districts')
        .values(districtIds.map((district_id) => ({ master_id: master.id, district_id })))
        .execute();
    }
    if (skills.length > 0) {
      await trx
        .insertInto('master_skills')
        .values(skills.map((skill_code) => ({ master_id: master.id, skill_code })))
        .execute();
    }
    return { ...master, districtIds, skills };
  });
}

export interface CreateStaffOptions {
  /** Default 'logist'. */
  role?: StaffRole;
  /** Default: [] for a global admin, the seeded 'Москва' otherwise. */
  cityIds?: number[];
  /** Pass null for a staff member who has not linked Telegram yet. */
  tgUserId?: number | null;
  fullName?: string;
  username?: string | null;
  isActive?: boolean;
}

export type StaffFixture = StaffUser & { cityIds: number[] };

export async function createStaff(db: Db, options: CreateStaffOptions = {}): Promise<StaffFixture> {
  const role = options.role ?? 'logist';
  const cityIds = options.cityIds ?? (role === 'global_admin' ? [] : [await defaultCityId(db)]);
  const unique = nextUnique();
  return db.transaction().execute(async (trx) => {
    const staff = await trx
      .insertInto('staff_users')
      .values({
        role,
        tg_user_id: options.tgUserId === undefined ? unique : options.tgUserId,
        full_name: options.fullName ?? `Сотрудник ${unique}`,
        username: options.username === undefined ? `staff_${unique}` : options.username,
        ...(options.isActive !== undefined ? { is_active: options.isActive } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (cityIds.length > 0) {
      await trx
        .insertInto('staff_cities')
        .values(cityIds.map((city_id) => ({ staff_user_id: staff.id, city_id })))
        .execute();
    }
    return { ...staff, cityIds };
  });
}

export interface CreateOrderOptions {
  /** Default: the seeded 'Москва'. */
  cityId?: number;
  districtId?: number | null;
  category?: Category;
  /** Default 'searching'. Statuses from 'assigned' on need `assignedMasterId`. */
  status?: OrderStatus;
  type?: OrderType;
  timeslotStart?: Date | null;
  timeslotEnd?: Date | null;
  isAsap?: boolean;
  /** Default for status 'deferred': an hour after creation. */
  deferredUntil?: Date | null;
  preferredMasterId?: number | null;
  assignedMasterId?: number | null;
  createdByStaffId?: number | null;
  description?: string;
  clientName?: string;
  clientPhone?: string | null;
  street?: string | null;
  house?: string | null;
  apartment?: string | null;
  createdAt?: Date;
  /** Any other orders column. */
  overrides?: Partial<NewOrder>;
}

/** Inserts the order and its creation row in order_status_history (null → status, actor 'system'). */
export async function createOrder(db: Db, options: CreateOrderOptions = {}): Promise<Order> {
  const cityId = options.cityId ?? (await defaultCityId(db));
  const status = options.status ?? 'searching';
  const createdAt = options.createdAt ?? new Date();
  const unique = nextUnique();
  const values: NewOrder = {
    city_id: cityId,
    district_id: options.districtId ?? null,
    category: options.category ?? 'electrics',
    status,
    type: options.type ?? 'normal',
    timeslot_start: options.timeslotStart ?? null,
    timeslot_end: options.timeslotEnd ?? null,
    is_asap: options.isAsap ?? false,
    deferred_until:
      options.deferredUntil ?? (status === 'deferred' ? new Date(createdAt.getTime() + 3_600_000) : null),
    preferred_master_id: options.preferredMasterId ?? null,
    assigned_master_id: options.assignedMasterId ?? null,
    assigned_at: options.assignedMasterId ? createdAt : null,
    created_by_staff_id: options.createdByStaffId ?? null,
    description: options.description ?? 'Не работают розетки на кухне',
    client_name: options.clientName ?? 'Иван Петров',
    client_phone:
      options.clientPhone === undefined
        ? `+79${String(unique).slice(-9).padStart(9, '0')}`
        : options.clientPhone,
    street: options.street === undefined ? 'ул. Ленина' : options.street,
    house: options.house === undefined ? '1' : options.house,
    apartment: options.apartment === undefined ? '10' : options.apartment,
    created_at: createdAt,
    updated_at: createdAt,
    ...(status === 'closed' ? { closed_at: createdAt } : {}),
    ...options.overrides,
  };
  return db.transaction().execute(async (trx) => {
    const order = await trx.insertInto('orders').values(values).returningAll().executeTakeFirstOrThrow();
    await trx
      .insertInto('order_status_history')
      .values({
        order_id: order.id,
        from_status: null,
        to_status: order.status,
        actor_type: 'system',
        actor_id: null,
        reason: 'order_created',
        created_at: createdAt,
      })
      .execute();
    return order;
  });
}
