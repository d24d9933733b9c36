import { ConflictError } from '../common/errors';
import { errorLine, exitStatusOf, plainLine, UsageError } from './errors';

describe('error lines', () => {
  it('makes one plain line of any text: no colours, no cursor moves, no line breaks, no control characters', () => {
    expect(plainLine('\x1b[31mred\x1b[39m and \x1b[1;4mbold\x1b[0m')).toBe('red and bold');
    expect(plainLine('moved\x1b[2K\x1b[1A up')).toBe('moved up');
    expect(plainLine('\x1b]0;a window title\x07titled')).toBe('titled');
    expect(plainLine('  first line\n  second\r\nthird\tcolumn  ')).toBe('first line second third column');
    expect(plainLine('bell\x07 back\x08space nul\x00 c1\x9b')).toBe('bell backspace nul c1');
    expect(plainLine('naïve – “quoted” FB-42')).toBe('naïve – “quoted” FB-42');
  });

  it('says what failed after "error:", and where the usage is for a mistake in the command line', () => {
    expect(errorLine(new ConflictError('admin@example.org exists with role ADMIN, not USER.'))).toBe('error: admin@example.org exists with role ADMIN, not USER.\n');
    expect(errorLine(new UsageError("unknown option '--x'", 'token create'))).toBe("error: unknown option '--x' (see npm run cli -- token create --help)\n");
    expect(errorLine(new UsageError('no command given', ''))).toBe('error: no command given (see npm run cli -- --help)\n');
    expect(errorLine(new UsageError('refused'))).toBe('error: refused\n');
    expect(errorLine(new Error('\x1b[31mfailed\x1b[39m\n    at somewhere (file.ts:1:1)'))).toBe('error: failed at somewhere (file.ts:1:1)\n');
    expect(errorLine({ name: 'Error', message: 'from another realm' })).toBe('error: from another realm\n');
    expect(errorLine(new TypeError(''))).toBe('error: TypeError\n');
    expect(errorLine('thrown text')).toBe('error: thrown text\n');
  });

  it('exits with status 2 for a mistake in the command line and 1 for any other failure', () => {
    expect(exitStatusOf(new UsageError('unknown command'))).toBe(2);
    expect(exitStatusOf(new ConflictError('conflict'))).toBe(1);
    expect(exitStatusOf(new Error('failed'))).toBe(1);
  });
});
