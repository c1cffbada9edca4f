import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import * as m0001 from './migrations/2026_11_24_0001_initial';
import * as m0002 from './migrations/2026_11_24_0002_candidate_index';
import * as m0003 from './migrations/2026_11_24_0003_more_events';
import * as m0009 from './migrations/2026_11_24_0009_digest_and_reports';
import * as m0010 from './migrations/2026_11_24_0010_system_event';
import * as m0011 from './migrations/2026_11_24_0011_profile_updated';
import * as m0110 from './migrations/2026_12_05_0110_offer_delivery';
import * as m0111 from './migrations/2026_12_05_0111_outbox_lease';
import * as m0140 from './migrations/2026_12_05_0140_staff_invitations';
import * as m0150 from './migrations/2026_12_05_0150_order_search';
import * as m0170 from './migrations/2026_12_05_0170_client_channel';
import * as m0171 from './migrations/2026_12_05_0171_clients';
import * as m0172 from './migrations/2026_12_05_0172_reviews';
import * as m0180 from './migrations/2026_12_05_0180_places';
// 0120 builds on 0180's geo_point, so its name sorts after it (a fresh database runs them in name order).
import * as m0120 from './migrations/2026_12_06_0120_ranked_index';
import * as m0121 from './migrations/2026_12_06_0121_dist_considered';
import * as m0300 from './migrations/2026_12_06_0300_outbox_claim_seq';
import * as m0320 from './migrations/2026_12_06_0320_dist_busy';
import * as m0340 from './migrations/2026_12_06_0340_master_load';
import * as m0341 from './migrations/2026_12_06_0341_master_load_mark_order';
import * as m0390 from './migrations/2026_12_06_0390_city_hours_full_day';

/**
 * Migrations are listed here (not read from disk) so that bundled services and tests see the
 * same ordered set. Add a new file under migrations/ and one line below.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '2026_11_24_0001_initial': m0001,
  '2026_11_24_0002_candidate_index': m0002,
  '2026_11_24_0003_more_events': m0003,
  '2026_11_24_0009_digest_and_reports': m0009,
  '2026_11_24_0010_system_event': m0010,
  '2026_11_24_0011_profile_updated': m0011,
  '2026_12_05_0110_offer_delivery': m0110,
  '2026_12_05_0111_outbox_lease': m0111,
  '2026_12_05_0140_staff_invitations': m0140,
  '2026_12_05_0150_order_search': m0150,
  '2026_12_05_0170_client_channel': m0170,
  '2026_12_05_0171_clients': m0171,
  '2026_12_05_0172_reviews': m0172,
  '2026_12_05_0180_places': m0180,
  '2026_12_06_0120_ranked_index': m0120,
  '2026_12_06_0121_dist_considered': m0121,
  '2026_12_06_0300_outbox_claim_seq': m0300,
  '2026_12_06_0320_dist_busy': m0320,
  '2026_12_06_0340_master_load': m0340,
  '2026_12_06_0341_master_load_mark_order': m0341,
  '2026_12_06_0390_city_hours_full_day': m0390,
};

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any database shape
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    // Parallel work lands migrations from separate number ranges (0110…, 0180…) in any order: a
    // database that already ran a higher number must still take a lower one landed later.
    allowUnorderedMigrations: true,
  });
}

/** Applies every pending migration; throws with the failing migration's error. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
