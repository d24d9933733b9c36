import { workerSilence } from './health.controller';

describe('the webhook worker in the readiness check', () => {
  const webhooks = { pollMs: 1000, timeoutMs: 10_000 };

  it('is well while its rounds keep starting, even one waiting on a slow receiver', () => {
    expect(workerSilence({ polling: true, lastBeatAt: 1_000_000 }, webhooks, 1_000_500)).toBe(0);
    expect(workerSilence({ polling: true, lastBeatAt: 1_000_000 }, webhooks, 1_000_000 + 3000 + 10_000 + 5000)).toBe(0);
  });

  it('is down, saying for how long, once it has been silent longer than any round takes', () => {
    expect(workerSilence({ polling: true, lastBeatAt: 1_000_000 }, webhooks, 1_000_000 + 18_001)).toBe(18_001);
  });

  it('does not count when it is turned off', () => {
    expect(workerSilence({ polling: false, lastBeatAt: null }, webhooks, 5)).toBeNull();
  });
});
