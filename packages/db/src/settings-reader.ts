import { coerceSetting, defaultSettings, SETTINGS, type SettingKey, type Settings } from '@fs/domain';
import type { Db } from './db';

/** Reads all settings, filling in defaults for missing or malformed rows. */
export async function loadSettings(db: Db): Promise<Settings> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  const out = defaultSettings() as Record<string, unknown>;
  for (const row of rows) {
    if (row.key in SETTINGS) out[row.key] = coerceSetting(row.key as SettingKey, row.value);
  }
  return out as Settings;
}

/**
 * Settings with a short time-based cache: every service sees a staff change within `ttlMs`
 * without a query per use.
 */
export class SettingsCache {
  private value: Settings | null = null;
  private loadedAt = 0;
  private inflight: Promise<Settings> | null = null;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 3000,
  ) {}

  async get(): Promise<Settings> {
    if (this.value && Date.now() - this.loadedAt < this.ttlMs) return this.value;
    this.inflight ??= loadSettings(this.db)
      .then((v) => {
        this.value = v;
        this.loadedAt = Date.now();
        return v;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  invalidate(): void {
    this.loadedAt = 0;
  }
}

export async function writeSetting(
  db: Db,
  key: SettingKey,
  value: number | string | boolean,
  staffId: number | null,
): Promise<void> {
  await db
    .insertInto('settings')
    .values({
      key,
      value: JSON.stringify(value),
      description: SETTINGS[key].description,
      updated_by_staff_id: staffId,
    })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ value: JSON.stringify(value), updated_at: new Date(), updated_by_staff_id: staffId }),
    )
    .execute();
}
