import type { SmsProvider } from './provider';
import { SmscProvider } from './smsc';

export * from './provider';
export * from './smsc';

/** The SMS part of a service's configuration (see @fs/config's smsEnv). */
export interface SmsConfig {
  SMS_PROVIDER: 'none' | 'smsc';
  SMSC_API_ROOT: string;
  SMSC_LOGIN?: string;
  SMSC_PASSWORD?: string;
  SMSC_API_KEY?: string;
  SMSC_SENDER?: string;
}

/** The configured provider, or null: SMS is off (staff send the client link themselves). */
export function createSmsProvider(config: SmsConfig): SmsProvider | null {
  switch (config.SMS_PROVIDER) {
    case 'smsc':
      return new SmscProvider({
        apiRoot: config.SMSC_API_ROOT,
        login: config.SMSC_LOGIN,
        password: config.SMSC_PASSWORD,
        apiKey: config.SMSC_API_KEY,
        sender: config.SMSC_SENDER,
      });
    default:
      return null;
  }
}
