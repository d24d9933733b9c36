import { createHmac } from 'node:crypto';

/**
 * The X-Looptrace-Signature of a delivery: `sha256=` and the hex HMAC-SHA256
 * of "<timestamp>.<raw body>", keyed with the webhook's secret. The
 * timestamp is signed with the body so that a captured request cannot be
 * replayed later under a fresh timestamp.
 */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}
