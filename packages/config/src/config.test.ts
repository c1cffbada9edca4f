import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  adminBotSchema,
  ConfigError,
  masterBotSchema,
  parseConfig,
  schedulerSchema,
  senderSchema,
} from '@fs/config';

/** `KEY: value` lines of a k8s manifest's data/stringData (the examples are flat). */
function manifestValues(file: string): Record<string, string> {
  const text = readFileSync(path.resolve(__dirname, '../../../infra/k8s', file), 'utf8');
  const values: Record<string, string> = {};
  for (const m of text.matchAll(/^ {2}([A-Z][A-Z0-9_]*): *"?([^"\n]*)"?$/gm)) values[m[1]!] = m[2]!;
  return values;
}

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('config', () => {
  it('fills defaults and freezes the result', () => {
    const cfg = parseConfig('master-bot', masterBotSchema, { MASTER_BOT_TOKEN: TOKEN });
    expect(cfg.BOT_MODE).toBe('polling');
    expect(cfg.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(cfg.REDIS_PREFIX).toBe('{fs}');
    // The ops port (health, metrics, webhook) is loopback unless a deployment opens it.
    expect(cfg.HTTP_HOST).toBe('127.0.0.1');
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('names a missing secret', () => {
    expect(() => parseConfig('master-bot', masterBotSchema, {})).toThrow(
      /MASTER_BOT_TOKEN is required but not set/,
    );
  });

  it('names every malformed variable', () => {
    try {
      parseConfig('notifications-sender', senderSchema, {
        MASTER_BOT_TOKEN: TOKEN,
        ADMIN_BOT_TOKEN: 'nope',
        DATABASE_URL: 'mysql://x',
        SENDER_RATE_PER_SECOND: 'fast',
      });
      throw new Error('expected ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/ADMIN_BOT_TOKEN must look like/);
      expect(msg).toMatch(/DATABASE_URL/);
      expect(msg).toMatch(/SENDER_RATE_PER_SECOND/);
    }
  });

  it('requires WEBHOOK_URL and WEBHOOK_SECRET in webhook mode', () => {
    expect(() =>
      parseConfig('admin-bot', adminBotSchema, { ADMIN_BOT_TOKEN: TOKEN, BOT_MODE: 'webhook' }),
    ).toThrow(/WEBHOOK_URL is required when BOT_MODE=webhook[\s\S]*WEBHOOK_SECRET is required/);
  });

  it('parses the global admin id list and rejects a bad REDIS_PREFIX', () => {
    const cfg = parseConfig('admin-bot', adminBotSchema, {
      ADMIN_BOT_TOKEN: TOKEN,
      GLOBAL_ADMIN_TG_IDS: '1, 22',
    });
    expect(cfg.GLOBAL_ADMIN_TG_IDS).toEqual([1, 22]);
    expect(() =>
      parseConfig('admin-bot', adminBotSchema, { ADMIN_BOT_TOKEN: TOKEN, REDIS_PREFIX: 'fs' }),
    ).toThrow(/REDIS_PREFIX must be a hash tag/);
  });

  it('geocoding: centroids only by default; a provider needs its key', () => {
    const cfg = parseConfig('admin-bot', adminBotSchema, { ADMIN_BOT_TOKEN: TOKEN });
    expect(cfg.GEOCODER_PROVIDER).toBe('none');
    expect(cfg.GEOCODER_TIMEOUT_MS).toBe(2500);
    expect(() =>
      parseConfig('admin-bot', adminBotSchema, { ADMIN_BOT_TOKEN: TOKEN, GEOCODER_PROVIDER: 'yandex' }),
    ).toThrow(/GEOCODER_API_KEY is required when GEOCODER_PROVIDER=yandex/);
    expect(() =>
      parseConfig('admin-bot', adminBotSchema, { ADMIN_BOT_TOKEN: TOKEN, GEOCODER_PROVIDER: 'google' }),
    ).toThrow(/GEOCODER_PROVIDER/);
  });

  it('a wizard must idle out before its session does', () => {
    const cfg = parseConfig('master-bot', masterBotSchema, { MASTER_BOT_TOKEN: TOKEN });
    expect(cfg.WIZARD_IDLE_SECONDS).toBe(900);
    expect(() =>
      parseConfig('master-bot', masterBotSchema, {
        MASTER_BOT_TOKEN: TOKEN,
        SESSION_TTL_SECONDS: '600',
        WIZARD_IDLE_SECONDS: '900',
      }),
    ).toThrow(/WIZARD_IDLE_SECONDS must be less than SESSION_TTL_SECONDS/);
  });

  it('the example secrets of infra/k8s/secret.example.yaml stop every service, each placeholder named', () => {
    const env: Record<string, string> = {
      ...manifestValues('configmap.yaml'),
      ...manifestValues('secret.example.yaml'),
      WEBHOOK_URL: 'https://bots.example.com/tg',
    };
    expect(env.ADMIN_BOT_TOKEN).toContain('CHANGE_ME');
    const schemas = {
      'admin-bot': adminBotSchema,
      'master-bot': masterBotSchema,
      'distribution-scheduler': schedulerSchema,
      'notifications-sender': senderSchema,
    };
    const named: Record<string, string[]> = {};
    for (const [service, schema] of Object.entries(schemas)) {
      try {
        parseConfig(service, schema, env);
        named[service] = [];
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        named[service] = (err as ConfigError).problems
          .filter((p) => p.includes('placeholder'))
          .map((p) => p.split(' ')[0]!)
          .sort();
      }
    }
    expect(named).toEqual({
      'admin-bot': [
        'ADMIN_BOT_TOKEN',
        'DATABASE_URL',
        'GEOCODER_API_KEY',
        'MASTER_BOT_TOKEN',
        'REDIS_URL',
        'WEBHOOK_SECRET',
      ].sort(),
      'master-bot': ['DATABASE_URL', 'MASTER_BOT_TOKEN', 'REDIS_URL', 'WEBHOOK_SECRET'].sort(),
      'distribution-scheduler': ['BULL_BOARD_PASSWORD', 'DATABASE_URL', 'REDIS_URL'].sort(),
      'notifications-sender': [
        'ADMIN_BOT_TOKEN',
        'CLIENT_BOT_TOKEN',
        'DATABASE_URL',
        'MASTER_BOT_TOKEN',
        'REDIS_URL',
        'SMSC_PASSWORD',
      ].sort(),
    });
    // Real values in the same places start.
    const real = {
      ...env,
      DATABASE_URL: 'postgres://fs:s3cret@postgres:5432/field_service',
      REDIS_URL: 'redis://:s3cret@redis:6379',
      MASTER_BOT_TOKEN: TOKEN,
      ADMIN_BOT_TOKEN: '654321:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      WEBHOOK_SECRET: 'a'.repeat(32),
      GEOCODER_API_KEY: 'k'.repeat(20),
      BULL_BOARD_PASSWORD: 'p'.repeat(16),
      CLIENT_BOT_TOKEN: '777777:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      SMSC_PASSWORD: 's'.repeat(16),
    };
    for (const [service, schema] of Object.entries(schemas))
      expect(() => parseConfig(service, schema, real)).not.toThrow();
  });
});
