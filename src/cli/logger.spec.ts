import { Logger } from '@nestjs/common';
import { CommandLineLogger } from './logger';

describe('the command line logger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, logger: new CommandLineLogger({ write: (text: string) => lines.push(text) }) };
  };

  afterEach(() => Logger.overrideLogger(false));

  it('writes warnings as plain lines, naming where they come from', () => {
    const { lines, logger } = capture();
    logger.warn('slow (1200 ms): SELECT 1', 'SQL');
    logger.warn('\x1b[33mtwo\nlines\x1b[39m');
    logger.warn(new Error('an error object'), 'Loops');
    expect(lines).toEqual(['warning: [SQL] slow (1200 ms): SELECT 1\n', 'warning: two lines\n', 'warning: [Loops] an error object\n']);
  });

  it("leaves out errors, which the command reports itself, and the framework's progress notes", () => {
    const { lines, logger } = capture();
    Logger.overrideLogger(logger);
    new Logger('ExceptionHandler').error('connect ECONNREFUSED', 'a stack');
    new Logger('NestFactory').log('Starting Nest application...');
    new Logger('SQL').debug('SELECT 1');
    new Logger('SQL').warn('slow');
    expect(lines).toEqual(['warning: [SQL] slow\n']);
  });
});
