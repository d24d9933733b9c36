import { LoggerService } from '@nestjs/common';
import { plainLine, Stderr } from './errors';

/**
 * The framework's and TypeORM's messages while a command runs. Standard
 * output carries only what the command prints, because scripts pipe it, so
 * warnings go to standard error as plain lines (`warning: [SQL] …`). Errors
 * are left out: the error that stops a command reaches standard error once,
 * as its error line, and the framework would log it first with its stack.
 * Progress notes (`log`, `debug`, `verbose`) are left out too.
 */
export class CommandLineLogger implements LoggerService {
  constructor(private readonly stderr: Stderr) {}

  warn(message: unknown, ...context: unknown[]): void {
    const source = typeof context.at(-1) === 'string' ? `[${String(context.at(-1))}] ` : '';
    this.stderr.write(`warning: ${plainLine(`${source}${message instanceof Error ? message.message : String(message)}`)}\n`);
  }

  error(): void {}

  log(): void {}
}
