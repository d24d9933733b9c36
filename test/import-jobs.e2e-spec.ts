import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../src/config/config';
import { ImportJobStatus } from '../src/importers/import-job.entity';
import { createTestDatabase } from './support/database';
import { finishedJob } from './support/imports';
import { ADMIN_TOKEN } from './support/config';
import { ErrorExtensions, startService, TestService } from './support/service';

/** A CSV of requests, one per row, each with an id so that a second import finds it again. */
function csv(rows: number, prefix = 'row'): string {
  const lines = ['id,title,origin,projects,tags'];
  for (let row = 1; row <= rows; row++) lines.push(`${prefix}-${row},Request number ${row} from a spreadsheet,OPERATOR,nova;cinder,scale`);
  return lines.join('\n');
}

const REPORT = 'dryRun counts { kind created updated unchanged skipped } skipped { line reason } files { name records error }';

const IMPORT = `mutation($input: ImportRecordsInput!) { importRecords(input: $input) { job { id status format dryRun fileNames recordsDone requestedBy { email } } } }`;

/** What IMPORT selects of the job. */
interface QueuedJob {
  id: string;
  status: string;
  format: string;
  dryRun: boolean;
  fileNames: string[];
  recordsDone: number;
  requestedBy: { email: string };
}

interface Progress {
  status: string;
  recordsDone: number;
  recordsTotal: number;
}

/** An upload refused before it ran, in the shape of a GraphQL error. */
interface Refused {
  errors: Array<{ message: string; extensions: ErrorExtensions }>;
}

/** Imports run in the background as jobs: queued at once, applied in batches that commit, followed by query or subscription. */
describe('import jobs', () => {
  let service: TestService;
  let pm: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    service = await startService();
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat')).token;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await service.close();
  });

  const start = async (input: Record<string, unknown>) =>
    (await service.ok<{ importRecords: { job: QueuedJob } }>(ADMIN_TOKEN, IMPORT, { input })).importRecords.job;

  it('answers at once with a queued job, then applies the records in committed batches while other writes go on between them', async () => {
    const job = await start({ format: 'csv', files: [{ name: 'forum.csv', content: csv(1000) }] });
    expect(job).toMatchObject({ status: 'QUEUED', format: 'csv', dryRun: false, fileNames: ['forum.csv'], recordsDone: 0, requestedBy: { email: 'admin@looptrace.invalid' } });

    // A write issued once the first batch committed is not held back until the import ends: it lands between two of its batches.
    for (let attempt = 0; attempt < 1000 && !(await service.sql(`SELECT id FROM feedback_item`)).length; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const submitted = await service.api.submitFeedback(pm, { title: 'Written while the import runs', origin: 'USER' });
    const during = (await service.ok<{ importJob: { status: string; recordsDone: number } }>(ADMIN_TOKEN, `{ importJob(id: "${job.id}") { status recordsDone } }`)).importJob;
    expect(during.status).not.toBe('SUCCEEDED');
    expect(during.recordsDone).toBeLessThan(1000);

    const done = await finishedJob(service, ADMIN_TOKEN, job.id, REPORT);
    expect(done).toMatchObject({ status: 'SUCCEEDED', recordsDone: 1000, recordsTotal: 1000, error: null });
    expect(done.report.counts).toEqual([{ kind: 'feedback', created: 1000, updated: 0, unchanged: 0, skipped: 0 }]);
    const keys = (await service.sql<{ id: number }>(`SELECT id FROM feedback_item ORDER BY id`)).map((row) => row.id);
    const written = Number(submitted.key.slice(3));
    expect(written).toBeGreaterThan(keys[0]);
    expect(written).toBeLessThan(keys[keys.length - 1]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const job = await start({ format: 'csv', files: [{ name: 'forum.csv', content: csv(1000) }] });
    const done = await finishedJob(service, ADMIN_TOKEN, job.id, REPORT);
    expect(done.report.counts).toEqual([{ kind: 'feedback', created: 0, updated: 0, unchanged: 1000, skipped: 0 }]);
  });

  it('reports a dry run in full and leaves nothing behind', async () => {
    const before = { items: await service.count('feedback_item'), events: await service.count('loop_event') };
    const bad = ['more-bad,,OPERATOR,,', 'more-short,ab,OPERATOR,,', `more-long,${'x'.repeat(201)},USER,,`].join('\n');
    const job = await start({ format: 'csv', dryRun: true, files: [{ name: 'more.csv', content: `${csv(300, 'more')}\n${bad}` }] });
    const done = await finishedJob(service, ADMIN_TOKEN, job.id, REPORT);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.report.dryRun).toBe(true);
    expect(done.report.counts).toEqual([{ kind: 'feedback', created: 300, updated: 0, unchanged: 0, skipped: 3 }]);
    expect(done.report.skipped).toEqual([
      { line: 302, reason: 'no title' },
      { line: 303, reason: 'title must be longer than or equal to 3 characters' },
      { line: 304, reason: 'title must be shorter than or equal to 200 characters' },
    ]);
    expect({ items: await service.count('feedback_item'), events: await service.count('loop_event') }).toEqual(before);
  });

  it('tells a subscriber how far the job has got after each batch, and when it is done', async () => {
    const client = createClient({
      url: service.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${ADMIN_TOKEN}` },
      retryAttempts: 0,
    });
    clients.push(client);
    // Queued behind a first import, so that the subscription starts before the second one runs.
    const first = await start({ format: 'csv', files: [{ name: 'first.csv', content: csv(500, 'first') }] });
    const job = await start({ format: 'csv', files: [{ name: 'second.csv', content: csv(350, 'second') }] });
    const seen: Progress[] = [];
    await new Promise<void>((resolve, reject) =>
      client.subscribe(
        { query: `subscription($id: ID!) { importJobProgress(id: $id) { status recordsDone recordsTotal } }`, variables: { id: job.id } },
        { next: (result) => (result.errors ? reject(new Error(JSON.stringify(result.errors))) : seen.push((result.data as { importJobProgress: Progress }).importJobProgress)), error: reject, complete: resolve },
      ),
    );
    expect(seen[0].status).toBe('QUEUED');
    expect(seen.at(-1)).toEqual({ status: 'SUCCEEDED', recordsDone: 350, recordsTotal: 350 });
    const progress = seen.filter((state) => state.status === 'RUNNING').map((state) => state.recordsDone);
    expect(progress).toEqual(expect.arrayContaining([100, 200, 300]));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect((await finishedJob(service, ADMIN_TOKEN, first.id, REPORT)).status).toBe('SUCCEEDED');
  });

  it('lists the jobs newest first, to admins only', async () => {
    const { importJobs } = await service.ok<{ importJobs: { totalCount: number; nodes: Array<{ id: string; status: string }> } }>(
      ADMIN_TOKEN,
      `{ importJobs(first: 2) { totalCount nodes { id status } } }`,
    );
    expect(importJobs.totalCount).toBeGreaterThanOrEqual(5);
    expect(Number(importJobs.nodes[0].id)).toBeGreaterThan(Number(importJobs.nodes[1].id));
    expect((await service.gql(pm, `{ importJobs { totalCount } }`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await service.gql(pm, IMPORT, { input: { format: 'csv', files: [{ name: 'x.csv', content: csv(1) }] } })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses an unknown format or job as bad input, naming the field', async () => {
    const unknown = await service.gql(ADMIN_TOKEN, IMPORT, { input: { format: 'spreadsheet', files: [{ name: 'x.csv', content: csv(1) }] } });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.format' }] });
    const bad = await service.gql(ADMIN_TOKEN, `{ importJob(id: "seven") { id } }`);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'id' }] });
    expect(await service.ok(ADMIN_TOKEN, `{ importJob(id: "999999") { id } }`)).toEqual({ importJob: null });
  });

  describe('uploaded to POST /imports', () => {
    const upload = (token: string | null, fields: Record<string, string>, files: Array<[string, string]>) => {
      const form = new FormData();
      Object.entries(fields).forEach(([name, value]) => form.append(name, value));
      files.forEach(([name, content]) => form.append('files', new Blob([content], { type: 'text/csv' }), name));
      return fetch(service.url.replace(/\/graphql$/, '/imports'), { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
    };

    it('queues the files with 202 and the job, which then runs like any other', async () => {
      const response = await upload(ADMIN_TOKEN, { format: 'csv' }, [['uploaded.csv', csv(250, 'uploaded')]]);
      expect(response.status).toBe(202);
      const { job } = (await response.json()) as { job: { id: string; status: string; fileNames: string[] } };
      expect(job).toMatchObject({ status: ImportJobStatus.QUEUED, fileNames: ['uploaded.csv'] });
      const done = await finishedJob(service, ADMIN_TOKEN, job.id, REPORT);
      expect(done.report.counts[0]).toMatchObject({ created: 250 });
    });

    it('refuses anyone but an admin, bad fields, and a body over the limit before reading it', async () => {
      const anonymous = await upload(null, { format: 'csv' }, [['x.csv', csv(1)]]);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as Refused).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const forbidden = await upload(pm, { format: 'csv' }, [['x.csv', csv(1)]]);
      expect(forbidden.status).toBe(403);
      expect(((await forbidden.json()) as Refused).errors[0].extensions.code).toBe('FORBIDDEN');
      const badFields = await upload(ADMIN_TOKEN, { dryRun: 'perhaps' }, []);
      expect(badFields.status).toBe(400);
      expect(((await badFields.json()) as Refused).errors[0].extensions.fields?.map((problem) => problem.field)).toEqual(['format', 'dryRun', 'files']);
      const unknownFormat = await upload(ADMIN_TOKEN, { format: 'spreadsheet' }, [['x.csv', csv(1)]]);
      expect(unknownFormat.status).toBe(400);

      const small = await startService({ limits: { ...loadConfig({}).limits, importBodyBytes: 2048 } });
      try {
        const form = new FormData();
        form.append('format', 'csv');
        form.append('files', new Blob([csv(100)]), 'big.csv');
        const tooBig = await fetch(small.url.replace(/\/graphql$/, '/imports'), { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: form });
        expect(tooBig.status).toBe(413);
        expect(((await tooBig.json()) as Refused).errors[0].message).toMatch(/IMPORT_BODY_LIMIT/);
        expect(await small.count('import_job')).toBe(0);
      } finally {
        await small.close();
      }
    });
  });
});

/** A job the service did not finish (it stopped) is failed when the service starts again; importing again finishes the work. */
describe('an import interrupted by a stop', () => {
  // Two services in turn and 2,000 records imported in all: on a busy machine, longer than the default minute.
  it('ends FAILED with how far it got, and the same import again completes it', async () => {
    const database = await createTestDatabase();
    const first = await startService({ database: database.database });
    const job = (await first.ok<{ importRecords: { job: { id: string } } }>(ADMIN_TOKEN, IMPORT, { input: { format: 'csv', files: [{ name: 'long.csv', content: csv(2000, 'long') }] } }))
      .importRecords.job;
    // Stop the service as soon as the job has committed a batch or two: it stops after the batch in hand.
    for (let attempt = 0; attempt < 500; attempt++) {
      const [row] = await first.sql<{ records_done: number }>(`SELECT records_done FROM import_job WHERE id = ?`, [Number(job.id)]);
      if (row.records_done > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await first.close();
    const again = await startService({ database: database.database });
    try {
      const stopped = await finishedJob(again, ADMIN_TOKEN, job.id, REPORT);
      expect(stopped.status).toBe('FAILED');
      expect(stopped.recordsDone).toBeGreaterThan(0);
      expect(stopped.recordsDone).toBeLessThan(2000);
      expect(stopped.recordsDone % 100).toBe(0);
      expect(stopped.error).toMatch(/Import the same files again/);
      expect(await again.count('feedback_item')).toBe(stopped.recordsDone);

      const rerun = (await again.ok<{ importRecords: { job: { id: string } } }>(ADMIN_TOKEN, IMPORT, { input: { format: 'csv', files: [{ name: 'long.csv', content: csv(2000, 'long') }] } }))
        .importRecords.job;
      const finished = await finishedJob(again, ADMIN_TOKEN, rerun.id, REPORT);
      expect(finished.report.counts[0]).toMatchObject({ created: 2000 - stopped.recordsDone, unchanged: stopped.recordsDone });
      expect(await again.count('feedback_item')).toBe(2000);
    } finally {
      await again.close();
      await database.drop();
    }
  }, 180_000);
});
