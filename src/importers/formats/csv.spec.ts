import { FeedbackOrigin } from '../../feedback/feedback.enums';
import { FeedbackRecord, ImportFile, ParsedFile, UnreadableFileError } from '../importer';
import { CSV_COLUMNS, CsvImporter, readCsv } from './csv';

const importer = new CsvImporter();
const file = (text: string | Buffer, name = 'feedback.csv'): ImportFile => ({ name, content: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8') });
const parse = (text: string | Buffer) => importer.parse(file(text));
const feedback = (parsed: ParsedFile) => parsed.records as FeedbackRecord[];
const reasons = (parsed: ParsedFile) => parsed.skips.map((skip) => [skip.at.line, skip.reason]);

describe('readCsv', () => {
  it('reads quoted cells with doubled quotes, commas and line breaks, and numbers rows by the line they start on', () => {
    const table = readCsv('a,b,c\n"x, y","say ""hi""","two\nlines"\nplain,,last\n');
    expect(table).toEqual({
      rows: [
        { line: 1, cells: ['a', 'b', 'c'] },
        { line: 2, cells: ['x, y', 'say "hi"', 'two\nlines'] },
        { line: 4, cells: ['plain', '', 'last'] },
      ],
      unclosedAt: null,
    });
  });

  it('reads CRLF, LF and lone CR alike, and a CRLF inside quotes as LF', () => {
    expect(readCsv('a,b\r\n"1\r\n2",3\r\n4,5').rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1\n2', '3'] },
      { line: 4, cells: ['4', '5'] },
    ]);
    expect(readCsv('a\rb\r').rows.map((row) => row.cells)).toEqual([['a'], ['b']]);
  });

  it('forgives spaces around quoted cells and quotes inside unquoted ones', () => {
    expect(readCsv('a, "b" ,5" disk,"c"d').rows[0].cells).toEqual(['a', 'b', '5" disk', 'cd']);
  });

  it('reads an empty last cell and a quoted empty cell', () => {
    expect(readCsv('a,\n"",b').rows.map((row) => row.cells)).toEqual([
      ['a', ''],
      ['', 'b'],
    ]);
  });

  it('says where a quoted cell is never closed', () => {
    const table = readCsv('a,b\n1,2\n3,"open\n4,5\n');
    expect(table.unclosedAt).toBe(3);
    expect(table.rows[2]).toEqual({ line: 3, cells: ['3', 'open\n4,5\n'] });
  });
});

describe('csv importer', () => {
  it('documents its columns from the list the parser reads', () => {
    for (const column of CSV_COLUMNS) expect(importer.description).toContain(column.name);
    expect(importer.description).toContain('title (required)');
    expect(importer.accepts('Feedback.CSV')).toBe(true);
    expect(importer.accepts('TAG-gap.md')).toBe(false);
  });

  it('reads every documented column, in any order and any case', () => {
    const text = [
      'Votes,ID,Title,Body,Origin,Organization,Release In Use,projects,TAGS,source_url,source_line',
      '3,ops-7,Live migration of pinned instances,"Fails with ""No valid host"",\nevery time",operator,CERN,Newton,"nova; Neutron","#painpoint,live-migration upgrades",https://etherpad.example.org/p/ops,42',
    ].join('\n');
    const result = parse(text);
    expect(result.skips).toEqual([]);
    expect(feedback(result)).toEqual([
      {
        kind: 'feedback',
        sourceKey: 'csv:ops-7',
        at: { file: 'feedback.csv', line: 2 },
        title: 'Live migration of pinned instances',
        body: 'Fails with "No valid host",\nevery time',
        origin: FeedbackOrigin.OPERATOR,
        projects: ['neutron', 'nova'],
        tags: ['live-migration', 'painpoint', 'upgrades'],
        sourceUrl: 'https://etherpad.example.org/p/ops',
        sourceLine: 42,
        organization: 'CERN',
        releaseInUse: 'Newton',
        importedVotes: 3,
      },
    ]);
  });

  it('defaults what is left out: origin USER, no votes, no source', () => {
    const [record] = feedback(parse('title\nQuotas per domain\n'));
    expect(record).toMatchObject({ title: 'Quotas per domain', body: '', origin: FeedbackOrigin.USER, importedVotes: 0, projects: [], tags: [] });
    expect(record.sourceUrl).toBeUndefined();
    expect(record.organization).toBeUndefined();
  });

  it('reads a byte order mark and CRLF line ends', () => {
    const result = parse('\uFEFFtitle,votes\r\nQuotas per domain,2\r\n"Volume\r\nmulti-attach",1\r\n');
    expect(result.skips).toEqual([]);
    expect(feedback(result).map((record) => [record.at.line, record.title, record.importedVotes])).toEqual([
      [2, 'Quotas per domain', 2],
      [3, 'Volume\nmulti-attach', 1],
    ]);
  });

  it('keys a row by its id, else by its source, else by its title and body', () => {
    const keys = feedback(
      parse(['id,title,body,source_url,source_line', 'r1,One,,https://a.example/p,3', ',Two,,https://a.example/p,4', ',Three,about it,https://a.example/p,', ',Four,,,'].join('\n')),
    ).map((record) => record.sourceKey);
    expect(keys[0]).toBe('csv:r1');
    expect(keys[1]).toBe('csv:https://a.example/p#4');
    expect(keys[2]).toMatch(/^csv:[0-9a-f]{16}$/);
    expect(keys[3]).toMatch(/^csv:[0-9a-f]{16}$/);
    expect(keys[2]).not.toBe(keys[3]);
  });

  it('keys rows without id or source the same when they move or change case and spacing', () => {
    const first = feedback(parse('title,body\nQuotas per domain,Domain admins need it\nVolume multi-attach,\n'));
    const moved = feedback(parse('body,title\n,Volume multi-attach\n"Domain admins   need it",quotas per  Domain\n'));
    expect(moved.map((record) => record.sourceKey).sort()).toEqual(first.map((record) => record.sourceKey).sort());
  });

  it('skips a row with a bad origin, no title, too many cells or unusable numbers, with its line and reason; the API input rules are left to the import', () => {
    const text = [
      'title,origin,votes,source_line,source_url',
      'Good one,USER,1,,',
      'Bad origin,developer,,,',
      ',OPERATOR,2,,',
      'Too many,USER,1,,,surplus',
      'Trailing commas are fine,USER,1,,,,',
      'Bad votes,USER,three,,',
      'Negative votes,USER,-1,,',
      'Bad line,USER,,0,https://a.example/p',
      'Bad URL,USER,,,ftp://a.example/p',
      'ab,USER,,,',
    ].join('\n');
    const result = parse(text);
    // A URL or a title the API refuses is checked when the record is applied, with the API's own rules (SubmitFeedbackInput).
    expect(feedback(result).map((record) => record.title)).toEqual(['Good one', 'Trailing commas are fine', 'Bad URL', 'ab']);
    expect(reasons(result)).toEqual([
      [3, 'origin must be USER or OPERATOR, got "developer"'],
      [4, 'no title'],
      [5, '6 cells where the header names 5 columns'],
      [7, 'votes must be a whole number from 0 to 1000000, got "three"'],
      [8, 'votes must be a whole number from 0 to 1000000, got "-1"'],
      [9, 'source_line must be a whole number from 1 to 999999999, got "0"'],
    ]);
  });

  it('skips a row whose tags are not names, naming the tag', () => {
    expect(reasons(parse('title,tags\nQuotas,"ok, not/ok"\n'))).toEqual([[2, 'tags: "not/ok" is not a name (letters, digits, . _ + -, up to 100)']]);
  });

  it('skips the second row of the same request, pointing at the first', () => {
    const result = parse('id,title\nr1,Quotas per domain\nr1,Quotas per project\n,Same text\n,same   TEXT\n');
    expect(feedback(result).map((record) => record.title)).toEqual(['Quotas per domain', 'Same text']);
    expect(reasons(result)).toEqual([
      [3, 'the row at line 2 is the same request (csv:r1); that one is kept'],
      [5, expect.stringMatching(/^the row at line 4 is the same request \(csv:[0-9a-f]{16}\); that one is kept$/)],
    ]);
  });

  it('mentions unknown columns once, at the header, and reads the rest', () => {
    const result = parse('title,Priority,body,reporter\nQuotas,high,per domain,ann\nLogs,low,,bob\n');
    expect(feedback(result).map((record) => [record.title, record.body])).toEqual([
      ['Quotas', 'per domain'],
      ['Logs', ''],
    ]);
    expect(result.skips).toEqual([{ kind: 'feedback', at: { file: 'feedback.csv', line: 1 }, reason: 'columns Priority, reporter ignored' }]);
    expect(reasons(parse('title,Priority\nQuotas,high\n'))).toEqual([[1, 'column Priority ignored']]);
  });

  it('ignores blank lines, and starts after blank lines before the header', () => {
    const result = parse('\n\ntitle\n\nQuotas\n,\n');
    expect(feedback(result).map((record) => [record.at.line, record.title])).toEqual([[5, 'Quotas']]);
    expect(result.skips).toEqual([]);
  });

  it('skips the row whose quoted cell is never closed', () => {
    const result = parse('title,body\nQuotas,fine\nLogs,"never closed\nMore,rows\n');
    expect(feedback(result).map((record) => record.title)).toEqual(['Quotas']);
    expect(reasons(result)).toEqual([[3, expect.stringContaining('never closed')]]);
  });

  it('refuses a file without a header row, without a title column, or that is not text', () => {
    const refuse = (content: string | Buffer) => expect(() => parse(content));
    refuse('').toThrow(UnreadableFileError);
    refuse('').toThrow(/no header row/);
    refuse('\r\n\r\n').toThrow(/no header row/);
    refuse('name,body\nQuotas,per domain\n').toThrow(/no title column/);
    refuse('Quotas per domain,per domain\n').toThrow(/no title column/);
    refuse('title,body,Title\nQuotas,per domain,again\n').toThrow(/names column title twice/);
    refuse(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00])).toThrow(/not a text file/);
    refuse(Buffer.from('title\ncaf\xe9\n\xe9t\xe9\n', 'latin1')).toThrow(/not UTF-8 text/);
  });
});
