import { progressLine, terminalProgress } from './progress';

describe('progress', () => {
  it('fills the bar in proportion, never past full', () => {
    expect(progressLine(0, 4000, 10)).toBe('[          ] 0/4000 records');
    expect(progressLine(1200, 4000, 10)).toBe('[###       ] 1200/4000 records');
    expect(progressLine(4000, 4000, 10)).toBe('[##########] 4000/4000 records');
    expect(progressLine(0, 0, 4)).toBe('[####] 0/0 records');
  });

  it('draws in place on a terminal and writes nothing elsewhere', () => {
    const written: string[] = [];
    const stream = (isTTY: boolean) => ({ isTTY, write: (text: string) => written.push(text) }) as unknown as NodeJS.WriteStream;
    const piped = terminalProgress(stream(false));
    piped.update(1, 2);
    piped.end();
    expect(written).toEqual([]);
    const terminal = terminalProgress(stream(true));
    terminal.update(1, 2);
    terminal.update(2, 2);
    terminal.end();
    expect(written).toEqual([`\r${progressLine(1, 2)}`, `\r${progressLine(2, 2)}`, '\n']);
  });
});
