import { ImportReport } from '../../src/importers/dto/import.models';
import { TestService } from './service';
import { waitFor } from './wait';

export interface FinishedJob {
  id: string;
  status: string;
  recordsDone: number;
  recordsTotal: number;
  error: string | null;
  report: ImportReport;
}

/** Polls the import job until it finishes, and returns it with the report the query asked for. */
export function finishedJob(service: TestService, token: string, id: string, report: string): Promise<FinishedJob> {
  const query = `query($id: ID!) { importJob(id: $id) { id status recordsDone recordsTotal error report { ${report} } } }`;
  return waitFor(
    `import job ${id} to finish`,
    async () => {
      const { importJob } = await service.ok<{ importJob: FinishedJob }>(token, query, { id });
      return (importJob.status === 'SUCCEEDED' || importJob.status === 'FAILED') && importJob;
    },
    60_000,
  );
}

/** Queues an import through importRecords and waits for its report, as a script of an admin would. */
export async function importViaApi(
  service: TestService,
  token: string,
  input: { format: string; files: unknown[]; dryRun?: boolean },
  report: string,
): Promise<ImportReport> {
  const { importRecords } = await service.ok<{ importRecords: { job: { id: string; status: string } } }>(
    token,
    `mutation($input: ImportRecordsInput!) { importRecords(input: $input) { job { id status } } }`,
    { input },
  );
  const job = await finishedJob(service, token, importRecords.job.id, report);
  if (job.status !== 'SUCCEEDED') throw new Error(`import job ${job.id} failed: ${job.error}`);
  return job.report;
}
