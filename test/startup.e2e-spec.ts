import { AdminBootstrap } from '../src/actors/admin-bootstrap';
import { ADMIN_TOKEN } from './support/config';
import { startService } from './support/service';

describe('start-up', () => {
  it('tells how to get a first admin token when nobody can use the service yet', async () => {
    const service = await startService({ adminToken: null });
    try {
      expect(await service.app.get(AdminBootstrap).firstStartAdvice()).toMatch(/ADMIN_TOKEN=.*\n.*npm run cli -- token create --email .* --role ADMIN/);
    } finally {
      await service.close();
    }
  });

  it('ensures the admin of ADMIN_TOKEN once, across restarts, and stays silent then', async () => {
    const service = await startService();
    try {
      await service.app.close();
      const again = await startService({ database: service.database });
      try {
        expect(await again.ok(ADMIN_TOKEN, `{ viewer { email role } }`)).toEqual({ viewer: { email: 'admin@looptrace.invalid', role: 'ADMIN' } });
        expect(await again.count('actor')).toBe(1);
        expect(await again.count('api_token')).toBe(1);
        expect(await again.app.get(AdminBootstrap).firstStartAdvice()).toBeNull();
      } finally {
        await again.app.close();
      }
    } finally {
      await service.close().catch(() => undefined);
    }
  });

  it('refuses to start with an ADMIN_TOKEN that was revoked', async () => {
    const service = await startService();
    const tokens = await service.ok<{ viewer: { tokens: Array<{ id: string }> } }>(ADMIN_TOKEN, `{ viewer { tokens { id } } }`);
    const second = await service.actor('ADMIN', 'Second Admin');
    await service.api.revokeToken(second.token, { tokenId: tokens.viewer.tokens[0].id });
    await service.app.close();
    await expect(startService({ database: service.database })).rejects.toThrow(/revoked/);
    await service.close().catch(() => undefined);
  });
});
