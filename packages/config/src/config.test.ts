import { adminBotSchema, ConfigError, masterBotSchema, parseConfig, senderSchema } from '@fs/config';

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
});
