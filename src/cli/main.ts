import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '../config/config';
import { run, USAGE, UsageError } from './commands';

async function main(): Promise<number> {
  try {
    return await run(loadConfig(), process.argv.slice(2), (text) => process.stdout.write(text));
  } catch (error) {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
    else if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else new Logger('cli').error(error instanceof Error ? error.message : String(error));
    return error instanceof UsageError ? 2 : 1;
  }
}

main().then((code) => (process.exitCode = code));
