import { DataSource } from 'typeorm';
import { Actor } from '../src/actors/actor.entity';
import { Role } from '../src/actors/role';
import { TransactionRunner } from '../src/common/transactions';
import { startCore, TestCore } from './support/core';

/** One transaction per write; a write inside a write is a savepoint that fails alone. */
describe('transactions', () => {
  let core: TestCore;
  let tx: TransactionRunner;

  beforeAll(async () => {
    core = await startCore();
    tx = core.context.get(TransactionRunner);
  });

  afterAll(() => core.close());

  const actor = (email: string) => ({ name: email, email, role: Role.USER, organization: null, createdAt: new Date(), updatedAt: new Date() });
  const emails = async () => (await core.context.get(DataSource).getRepository(Actor).find({ order: { id: 'ASC' } })).map((a) => a.email);

  it('rolls back a failed inner write alone, and publishes only what committed, after the whole', async () => {
    const published: string[] = [];
    await tx.run(async () => {
      await tx.manager.insert(Actor, actor('outer@example.org'));
      tx.afterCommit(() => published.push('outer'));
      await expect(
        tx.run(async () => {
          await tx.manager.insert(Actor, actor('failed@example.org'));
          tx.afterCommit(() => published.push('failed'));
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      await tx.run(async () => {
        await tx.manager.insert(Actor, actor('inner@example.org'));
        tx.afterCommit(() => published.push('inner'));
      });
      expect(published).toEqual([]);
    });
    expect(published).toEqual(['outer', 'inner']);
    expect(await emails()).toEqual(expect.arrayContaining(['outer@example.org', 'inner@example.org']));
    expect(await emails()).not.toContain('failed@example.org');
  });

  it('rolls back everything, inner writes included, when the outer write fails', async () => {
    await expect(
      tx.run(async () => {
        await tx.manager.insert(Actor, actor('gone@example.org'));
        await tx.run(() => tx.manager.insert(Actor, actor('gone-too@example.org')));
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    expect(await emails()).not.toEqual(expect.arrayContaining(['gone@example.org']));
    expect(await emails()).not.toContain('gone-too@example.org');
  });

  it('queues concurrent writes instead of mixing them', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        tx.run(async () => {
          await tx.manager.insert(Actor, actor(`concurrent-${index}@example.org`));
          await new Promise((resolve) => setImmediate(resolve));
          if (index % 2) throw new Error('odd ones fail');
        }).catch(() => undefined),
      ),
    );
    const concurrent = (await emails()).filter((email) => email.startsWith('concurrent-'));
    expect(concurrent.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `concurrent-${i * 2}@example.org`).sort());
  });

  it('gives the code inside a write its own transaction, however deep, and the readers everything outside', async () => {
    const findAmbient = () => tx.repository(Actor).findOneBy({ email: 'ambient@example.org' });
    const seen: Record<string, unknown> = {};
    let writing!: () => void;
    const written = new Promise<void>((resolve) => (writing = resolve));
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const write = tx.run(async () => {
      expect(tx.inWrite).toBe(true);
      await tx.manager.insert(Actor, actor('ambient@example.org'));
      seen.inside = (await findAmbient())?.email;
      // A helper called from the write, through a promise chain of its own, still reads in it.
      seen.deeper = await Promise.resolve().then(() => new Promise((resolve) => setImmediate(() => resolve(findAmbient())))).then((found) => (found as Actor | null)?.email);
      writing();
      await held;
    });
    await written;
    expect(tx.inWrite).toBe(false);
    seen.outside = (await findAmbient())?.email ?? null;
    finish();
    await write;
    seen.afterCommit = (await findAmbient())?.email;
    expect(seen).toEqual({ inside: 'ambient@example.org', deeper: 'ambient@example.org', outside: null, afterCommit: 'ambient@example.org' });
  });
});
