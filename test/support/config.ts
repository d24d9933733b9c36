import { Clock } from '../../src/common/clock';
import { DatabaseConfig, loadConfig, LooptraceConfig } from '../../src/config/config';

/*
 * The settings, the admin token and the clock of every test, whatever it
 * starts: apart from service.ts, so that a test that starts no HTTP server
 * loads none.
 */

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The defaults of a fresh machine, on this database, with a quick webhook worker. */
export function testConfig(database: DatabaseConfig): LooptraceConfig {
  const defaults = loadConfig({});
  return {
    ...defaults,
    host: '127.0.0.1',
    port: 0,
    database,
    webhooks: { ...defaults.webhooks, pollMs: 50, retryBaseMs: 50, timeoutMs: 1000, allowPrivateNetworks: true },
    stalls: { ...defaults.stalls, sweepMs: 0 },
  };
}

/** A clock the tests move by hand. */
export class TestClock extends Clock {
  private current = new Date('2026-01-05T09:00:00Z');

  override now(): Date {
    return new Date(this.current);
  }

  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }

  set(at: Date): void {
    this.current = new Date(at);
  }

  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** The email of the nth actor a test creates under this name. */
export const emailOf = (name: string, n: number) => `${name.toLowerCase().replace(/\W+/g, '.')}.${n}@example.org`;
