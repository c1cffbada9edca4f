import type { Db } from '@fs/db';
import { STAFF_ROLE_LABELS } from '@fs/domain';

/** Which of the three bots a chat is with. */
export type BotName = 'admin' | 'master' | 'client';
export const BOT_NAMES: readonly BotName[] = ['admin', 'master', 'client'];

/**
 * Someone the visitor can act as: a staff member, a master, a client of an order (their client
 * bot chat and their SMS inbox), or a "new person" made in the page.
 */
export interface Person {
  tgUserId: number;
  kind: 'staff' | 'master' | 'client' | 'guest';
  /** A client's phone (+7…): their SMS inbox. */
  phone?: string;
  fullName: string;
  username: string | null;
  /** One line under the name: role, or city and state. */
  subtitle: string;
  /** The bot this person normally talks to. */
  bot: BotName;
}

const MODERATION: Record<string, string> = {
  pending: 'анкета на модерации',
  rejected: 'анкета отклонена',
};
const SHIFT: Record<string, string> = { on: 'на смене', off: 'не на смене', break: 'на перерыве' };

/** "New person" ids: far from the demo seed's 700 000 xxx and from real Telegram ids in tests. */
const GUEST_BASE = 790_000_000;
/** A client's Telegram id in the sandbox: derived from the phone, so it is the same every run. */
const CLIENT_BASE = 6_000_000_000;
/** The newest orders' clients are listed (the people list stays short). */
const CLIENTS_LISTED = 8;

export function clientTgUserId(phone: string): number {
  return CLIENT_BASE + Number(phone.replace(/\D/g, '').slice(-9));
}

/**
 * The people picker's list: staff and masters with a Telegram id from the database, plus the
 * guests created in this sandbox run (until they register, when the database row takes over).
 */
export class People {
  private readonly guests: Person[] = [];

  constructor(private readonly db: Db) {}

  async list(): Promise<Person[]> {
    const [staff, masters] = await Promise.all([
      this.db
        .selectFrom('staff_users')
        .select(['tg_user_id', 'full_name', 'username', 'role'])
        .where('tg_user_id', 'is not', null)
        .where('is_active', '=', true)
        .orderBy('role')
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('masters as m')
        .leftJoin('cities as c', 'c.id', 'm.city_id')
        .select([
          'm.tg_user_id',
          'm.full_name',
          'm.username',
          'm.moderation_status',
          'm.shift_status',
          'm.is_blocked',
          'c.name as city',
        ])
        .where('m.is_deleted', '=', false)
        .orderBy('c.name')
        .orderBy('m.id')
        .execute(),
    ]);
    const people: Person[] = staff.map((s) => ({
      tgUserId: s.tg_user_id!,
      kind: 'staff',
      fullName: s.full_name,
      username: s.username,
      subtitle: STAFF_ROLE_LABELS[s.role],
      bot: 'admin',
    }));
    for (const m of masters) {
      const state = m.is_blocked
        ? 'заблокирован'
        : (MODERATION[m.moderation_status] ?? SHIFT[m.shift_status] ?? m.shift_status);
      people.push({
        tgUserId: m.tg_user_id,
        kind: 'master',
        fullName: m.full_name,
        username: m.username,
        subtitle: [m.city, state].filter(Boolean).join(' · '),
        bot: 'master',
      });
    }
    people.push(...(await this.clients()));
    const known = new Set(people.map((p) => p.tgUserId));
    return [...people, ...this.guests.filter((g) => !known.has(g.tgUserId))];
  }

  /** Clients of the newest orders (one per phone), each with their client bot chat and SMS inbox. */
  private async clients(): Promise<Person[]> {
    const rows = await this.db
      .selectFrom('orders')
      .select(['client_phone', 'client_name', (eb) => eb.fn.max('id').as('last_id')])
      .where('client_phone', 'is not', null)
      .groupBy(['client_phone', 'client_name'])
      .orderBy('last_id', 'desc')
      .limit(CLIENTS_LISTED * 2)
      .execute();
    const seen = new Set<string>();
    const out: Person[] = [];
    for (const r of rows) {
      const phone = r.client_phone!;
      if (seen.has(phone) || out.length >= CLIENTS_LISTED) continue;
      seen.add(phone);
      out.push({
        tgUserId: clientTgUserId(phone),
        kind: 'client',
        fullName: r.client_name?.trim() || 'Клиент',
        username: null,
        subtitle: `клиент · ${phone} · заказ #${r.last_id}`,
        bot: 'client',
        phone,
      });
    }
    return out;
  }

  /** A new Telegram user nobody has seen, to try onboarding (master bot) or an access code (admin bot). */
  async addGuest(): Promise<Person> {
    const taken = new Set((await this.list()).map((p) => p.tgUserId));
    let id = GUEST_BASE + this.guests.length + 1;
    while (taken.has(id)) id++;
    const n = this.guests.length + 1;
    const guest: Person = {
      tgUserId: id,
      kind: 'guest',
      fullName: `Новый человек ${n}`,
      username: `new_person_${n}`,
      subtitle: 'ещё не зарегистрирован',
      bot: 'master',
    };
    this.guests.push(guest);
    return guest;
  }

  /** The person with this id (a guest or a database row), or null. */
  async find(tgUserId: number): Promise<Person | null> {
    return (await this.list()).find((p) => p.tgUserId === tgUserId) ?? null;
  }
}
