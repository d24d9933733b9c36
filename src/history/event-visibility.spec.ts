import { mayReadEvent } from './event-visibility';

describe('mayReadEvent', () => {
  it('shows events about actors, tokens and webhooks to admins only', () => {
    for (const recordType of ['actor', 'token', 'webhook']) {
      expect(['USER', 'OPERATOR', 'TECH_LEAD', 'PRODUCT_MANAGER', 'ADMIN'].filter((role) => mayReadEvent({ role }, { recordType }))).toEqual(['ADMIN']);
    }
  });

  it('shows every other event to every role', () => {
    for (const recordType of ['feedback', 'link', 'theme', 'blueprint', 'outcome', 'release']) {
      expect(['USER', 'OPERATOR', 'TECH_LEAD', 'PRODUCT_MANAGER', 'ADMIN'].every((role) => mayReadEvent({ role }, { recordType }))).toBe(true);
    }
  });
});
