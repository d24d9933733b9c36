import { loadConfig } from '../config/config';
import { Output, run, Settings } from './commands';
import { errorLine, exitStatusOf, Stderr } from './errors';

/**
 * Runs one command line and resolves to its exit status: 0 when the
 * command did its work, 1 when it failed, 2 when the command line itself is
 * wrong. Standard output carries only what the command prints; a failure is
 * one plain line on standard error.
 */
export async function main(
  argv: string[],
  settings: Settings = () => loadConfig(),
  stdout: Output = (text) => process.stdout.write(text),
  stderr: Stderr = process.stderr,
): Promise<number> {
  try {
    return await run(settings, argv, stdout, stderr);
  } catch (error) {
    stderr.write(errorLine(error));
    return exitStatusOf(error);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((status) => (process.exitCode = status));
}
