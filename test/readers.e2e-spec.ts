import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface } from 'typeorm';
import { Actor } from '../src/actors/actor.entity';
import { ActorsService } from '../src/actors/actors.service';
import { TransactionRunner } from '../src/common/transactions';
import { loadConfig } from '../src/config/config';
import { WRITER } from '../src/database/writer';
import { FeedbackOrigin } from '../src/feedback/feedback.enums';
import { FeedbackService } from '../src/feedback/feedback.service';
import { TEST_ENGINE } from './support/database';
import { startService, TestService } from './support/service';

/** A promise and the function that settles it, to hold a transaction open while the test looks in. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Readers read what committed, never wait for a writer, and stop when their request's time is up. */
describe('readers', () => {
  describe('beside an open write', () => {
    let service: TestService;
    let pm: string;
    let submitter: Actor;

    beforeAll(async () => {
      service = await startService();
      const created = await service.actor('PRODUCT_MANAGER', 'Pat');
      pm = created.token;
      submitter = await service.app.get(ActorsService).byEmail(created.email);
    });

    afterAll(() => service.close());

    const READ = `{ feedbackItems { totalCount nodes { title } } loops { totalCount } search(query: "uncommitted") { totalCount } }`;

    it('never sees the rows of a write that is still open and then rolls back, and answers without waiting for it', async () => {
      const inside = gate();
      const release = gate();
      const write = service.app
        .get(TransactionRunner)
        .run(async () => {
          await service.app.get(FeedbackService).submit(submitter, { title: 'An uncommitted request', origin: FeedbackOrigin.USER });
          inside.open();
          await release.opened;
          throw new Error('rolled back on purpose');
        })
        .catch((error: Error) => error.message);
      await inside.opened;

      // The write is open (it waits for the release below): the read must answer now, and without its row.
      const during = await service.ok(pm, READ);
      expect(during).toEqual({ feedbackItems: { totalCount: 0, nodes: [] }, loops: { totalCount: 0 }, search: { totalCount: 0 } });

      release.open();
      expect(await write).toBe('rolled back on purpose');
      expect(await service.ok(pm, READ)).toEqual(during);
    });

    it('sees a write once it commits, and not before', async () => {
      const inside = gate();
      const release = gate();
      const write = service.app.get(TransactionRunner).run(async () => {
        await service.app.get(FeedbackService).submit(submitter, { title: 'An uncommitted request, kept', origin: FeedbackOrigin.USER });
        inside.open();
        await release.opened;
      });
      await inside.opened;
      expect((await service.ok<{ feedbackItems: { totalCount: number } }>(pm, READ)).feedbackItems.totalCount).toBe(0);
      release.open();
      await write;
      expect(await service.ok(pm, READ)).toEqual({
        feedbackItems: { totalCount: 1, nodes: [{ title: 'An uncommitted request, kept' }] },
        loops: { totalCount: 1 },
        search: { totalCount: 1 },
      });
    });

    it('reads through a connection that cannot write, on SQLite', async () => {
      const reader = service.app.get<DataSource>(getDataSourceToken());
      if (TEST_ENGINE === 'sqlite') {
        expect(reader).not.toBe(service.app.get(WRITER));
        await expect(reader.query(`UPDATE actor SET name = 'Mallory'`)).rejects.toThrow(/readonly/);
      } else {
        expect(reader).toBe(service.app.get(WRITER));
      }
    });
  });

  describe('with a time budget of 1 s per request', () => {
    let service: TestService;
    let pm: string;
    /** Each statement of a read takes this long to run, as if the database were slow (it blocks, as a synchronous driver does). */
    let slowMs = 0;

    const slowStatements: EntitySubscriberInterface = {
      afterQuery: () => {
        const until = Date.now() + slowMs;
        while (Date.now() < until);
      },
    };

    beforeAll(async () => {
      service = await startService({ limits: { ...loadConfig({}).limits, requestTimeoutMs: 1000 } });
      pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
      for (let item = 1; item <= 30; item++) await service.api.submitFeedback(pm, { title: `Request ${item}`, origin: 'OPERATOR' });
      service.app.get<DataSource>(getDataSourceToken()).subscribers.push(slowStatements);
    });

    afterAll(() => service.close());

    // Timelines are read together only when they ask for the same page, so each page size here is a read of its own:
    // two statements for the loop, then two per page size, some 60 statements of 20 ms, far over 1 s.
    const PAGE_SIZES = 30;
    const HEAVY = `{ loops(first: 1) { nodes { key ${Array.from({ length: PAGE_SIZES }, (_, index) => `t${index + 1}: timeline(first: ${index + 1}) { totalCount nodes { type } }`).join(' ')} } } }`;

    it('stops a read that runs past the budget with TIMEOUT, and lets a cheap query through meanwhile', async () => {
      slowMs = 20;
      try {
        const finished: string[] = [];
        const heavy = service.gql(pm, HEAVY).then((result) => {
          finished.push('heavy');
          return result;
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const cheap = service.gql(pm, '{ viewer { name } }').then((result) => {
          finished.push('cheap');
          return result;
        });
        const [heavyResult, cheapResult] = await Promise.all([heavy, cheap]);
        expect(cheapResult.data).toEqual({ viewer: { name: 'Pat' } });
        expect(finished).toEqual(['cheap', 'heavy']);
        expect(heavyResult.errors?.[0].extensions).toMatchObject({ code: 'TIMEOUT', timeoutMs: 1000 });
        expect(heavyResult.errors?.[0].message).toMatch(/time budget of 1000 ms/);
      } finally {
        slowMs = 0;
      }
    });

    it('runs the same read in full when the statements are quick', async () => {
      const result = await service.ok<{ loops: { nodes: Array<Record<string, { totalCount: number }>> } }>(pm, HEAVY);
      expect(result.loops.nodes[0][`t${PAGE_SIZES}`].totalCount).toBe(1);
    });

    it('on PostgreSQL, cuts every read statement at the budget and lifts the cut inside writes', async () => {
      if (TEST_ENGINE !== 'postgres') return;
      const reader = service.app.get<DataSource>(getDataSourceToken());
      expect(await reader.query('SHOW statement_timeout')).toEqual([{ statement_timeout: "1s" }]);
      await expect(reader.query('SELECT pg_sleep(1)')).rejects.toThrow(/statement timeout/);
      const tx = service.app.get(TransactionRunner);
      const inWrite = await tx.run(() => tx.manager.query('SHOW statement_timeout'));
      expect(inWrite).toEqual([{ statement_timeout: '0' }]);
    });
  });
});
