import { ImportProblem, ImportReport } from './dto/import.models';

const where = (problem: ImportProblem) =>
  [problem.file, problem.line !== null ? `line ${problem.line}` : null, problem.path].filter(Boolean).join(', ');

/** The report as the command line prints it. */
export function reportText(report: ImportReport): string {
  const lines = [`${report.dryRun ? 'Dry run (nothing written)' : 'Import'} of ${report.files.length} ${report.format} file(s)`];
  for (const file of report.files) lines.push(`  ${file.name}: ${file.error ? `not imported: ${file.error}` : `${file.records} records`}`);
  lines.push('', 'kind        created  updated  unchanged  skipped');
  for (const count of report.counts) {
    const cells = [count.created, count.updated, count.unchanged, count.skipped].map((n) => String(n).padStart(7));
    lines.push(`${count.kind.padEnd(10)} ${cells[0]}  ${cells[1]}  ${cells[2].padStart(9)}  ${cells[3]}`);
  }
  if (report.skipped.length) lines.push('', 'Skipped:', ...report.skipped.map((skip) => `  ${skip.kind} at ${where(skip)}: ${skip.reason}`));
  if (report.notes.length) lines.push('', 'Notes:', ...report.notes.map((note) => `  ${note.kind} at ${where(note)}: ${note.reason}`));
  return `${lines.join('\n')}\n`;
}
