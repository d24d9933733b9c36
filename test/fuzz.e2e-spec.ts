import fc from 'fast-check';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  GraphQLArgument,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLOutputType,
  GraphQLSchema,
  IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { loadConfig } from '../src/config/config';
import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';

/**
 * Every query and mutation the schema offers, called with hostile values for
 * every argument and input field, by every role and by nobody: the answer may
 * refuse, but never with INTERNAL_SERVER_ERROR, and never with SQL, a stack,
 * a file path or a runtime's own message. The schema is read by introspection,
 * so a new field is fuzzed the day it appears. A fixed seed and a bounded
 * number of runs per field and role keep it deterministic and quick.
 */
const SEED = 20260105;
const RUNS_AS_ADMIN = 10;
const RUNS_PER_OTHER_ROLE = 3;
const HOSTILE_VALUES_PER_FIELD = 3;

/** The roles of the actors the test creates; the admin's token is the service's own. */
const PEOPLE = ['PRODUCT_MANAGER', 'TECH_LEAD', 'OPERATOR', 'USER'] as const;
const ROLES = ['ADMIN', ...PEOPLE, 'nobody'] as const;
type Caller = (typeof ROLES)[number];

const PUBLIC_CODES = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED', 'TIMEOUT']);

/** What no answer may carry: SQL or a driver's words, a stack frame, a file path, a JavaScript runtime's own message. */
const LEAKS: Array<[string, RegExp]> = [
  ['SQL', /\b(?:SELECT|INSERT INTO|DELETE FROM|UPDATE \S+ SET)\b/],
  ['a database message', /SQLITE_|QueryFailedError|syntax error at or near|violates \w+ constraint|duplicate key|invalid input syntax|out of range for type|null value in column|relation "|\bpg_/i],
  ['a stack trace', /\n\s*at |\bat (?:async )?[\w$.<>]+ \(|\w\.(?:ts|js):\d+/],
  ['a file path', /\/(?:work|home|root|usr|tmp|opt|var|srv|src|dist)\/|node_modules|[A-Z]:\\/],
  ['a runtime message', /Maximum call stack|Cannot read propert|is not a function|\w is not defined(?! by)|is not iterable|Unexpected token|Invalid time value|Invalid Date|undefined is not/i],
];

const HUGE = 'x'.repeat(50_000);

const HOSTILE_STRINGS = [
  'abc\u0000def',
  '\u0000',
  'a\ud800@x.org',
  '\udc00',
  'FB-1\ud83d',
  HUGE,
  '',
  ' ',
  '2147483648',
  '-1',
  '9007199254740993',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '0x10',
  'FB-2147483648',
  'TH-99999999999',
  'FB-0',
  'FB--1',
  "'; DROP TABLE feedback_item; --",
  "' OR 1=1; SELECT * FROM actor; --",
  '"); DELETE FROM api_token; --',
  '%',
  '\\',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '${7*7}{{7*7}}',
  '../../etc/passwd',
  'ＦＢ－１',
  'FB‐1',
  'fb-1\u200b',
  'nоva',
  'Pіke',
  '\u202egnp.exe',
  '🚀',
  'javascript:alert(1)',
  'http://127.0.0.1:9/',
  'loop.*',
  '*',
];

/**
 * Values that fit a field of this name, so that most calls get past
 * validation and carry their one or two hostile values further in: to the
 * services, the database and back.
 */
function plausibleFor(name: string, emails: string[]): string[] {
  if (/email/i.test(name)) return emails;
  if (/^(key|feedbackKey|duplicateKey|survivorKey|loopKey)$/.test(name)) return ['FB-1', 'FB-2', 'FB-3', 'fb-1'];
  if (/themeKey|parentKey/.test(name)) return ['TH-1', 'TH-2'];
  if (/recordKey/.test(name)) return ['FB-1', 'TH-1', 'nova/live-migration', 'Pike'];
  if (/^project$/.test(name)) return ['nova', 'NOVA', 'cinder'];
  if (/projects|tags?$/.test(name)) return ['nova', 'live-migration', '#ops'];
  if (/release|targetRelease|releaseInUse/i.test(name)) return ['Pike', 'Queens', '2024.1'];
  if (/url/i.test(name)) return ['https://example.org/specs/live-migration.html', 'http://example.org/a?b=c'];
  if (/On$/.test(name)) return ['2026-01-05', '2017-08-30'];
  if (/events|types|eventType/.test(name)) return ['loop.closed', 'loop.*', '*', 'feedback.submitted'];
  if (/format/.test(name)) return ['csv', 'pwg-tracker', 'forum-tags', 'pwg-proposal'];
  if (/secret/.test(name)) return ['a-secret-of-twenty-chars'];
  if (/content/.test(name)) return ['title,origin\nResize volumes online,OPERATOR\n', '[]', '{}'];
  if (/^name$/.test(name)) return ['live-migration', 'Pike', 'Mallory', 'report.csv'];
  if (/query/.test(name)) return ['migration', 'live migration', 'nova'];
  return ['Live migration of pinned instances', 'A reason worth a note', 'Example Cloud'];
}

/** Never the ids of the tokens this test calls with, so that a revocation cannot silence a role. */
const IDS = ['2147483647', '2147483648', '0', '-1', '1.5', '999', '9007199254740993', 'abc', '00000000-0000-0000-0000-000000000000'];

const HOSTILE_INTS = [-1, 2147483647, -2147483648, 2147483648, 2 ** 53, 1.5, 'NaN', '1'];
const PLAUSIBLE_INTS = [0, 1, 3, 20, 100];
const BOOLEANS = [true, false, 'true', 0];
const TIMES = ['2026-01-05T09:00:00Z', '2026-02-30T00:00:00Z', 'garbage', '', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z', 0, 1e20];

const nestedList = (depth: number, inner: unknown): unknown => (depth === 0 ? inner : [nestedList(depth - 1, inner)]);

/** Mostly what fits, now and then something hostile. */
const mostly = <T, U>(fits: fc.Arbitrary<T>, hostile: fc.Arbitrary<U>) => fc.oneof({ arbitrary: fits, weight: 5 }, { arbitrary: hostile, weight: 1 });

interface Call {
  query: string;
  variables: Record<string, unknown>;
}

/** A value for an argument or input field of this name and type: usually one that fits, sometimes a hostile one, sometimes nothing. */
function valueOf(type: GraphQLInputType, name: string, emails: string[], depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ arbitrary: valueOf(type.ofType, name, emails, depth), weight: 19 }, { arbitrary: fc.constant(null), weight: 1 });
  if (isListType(type)) {
    const item = valueOf(type.ofType as GraphQLInputType, name, emails, depth + 1);
    return mostly(
      fc.array(item, { minLength: 1, maxLength: 3 }),
      fc.oneof(
        fc.constant([]),
        item,
        fc.constant(Array.from({ length: 1000 }, (_, index) => `tag-${index}`)),
        item.map((inner) => nestedList(60, inner)),
      ),
    );
  }
  if (isEnumType(type)) {
    const names = type.getValues().map((value) => value.name);
    return mostly(fc.constantFrom(...names), fc.constantFrom('NOPE', names[0].toLowerCase(), ''));
  }
  if (isInputObjectType(type)) {
    if (depth > 4) return fc.constant(null);
    const fields = Object.values(type.getFields());
    const record = Object.fromEntries(fields.map((field) => [field.name, valueOf(field.type, field.name, emails, depth + 1)]));
    const required = fields.filter((field) => isNonNullType(field.type)).map((field) => field.name);
    return fc.oneof(
      { arbitrary: fc.record(record, { requiredKeys: required }), weight: 30 },
      { arbitrary: fc.record(record, { requiredKeys: [] }), weight: 1 },
      { arbitrary: fc.record(record, { requiredKeys: required }).map((value) => ({ ...value, unknownField: 'x' })), weight: 1 },
      { arbitrary: fc.constantFrom('FB-1', 7, []), weight: 1 },
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
      case 'Float':
        return mostly(fc.constantFrom(...PLAUSIBLE_INTS), fc.constantFrom(...HOSTILE_INTS));
      case 'Boolean':
        return fc.constantFrom(...BOOLEANS);
      case 'ID':
        return fc.constantFrom(...IDS);
      case 'DateTime':
        return fc.constantFrom(...TIMES);
      default:
        return mostly(fc.constantFrom(...plausibleFor(name, emails)), fc.constantFrom(...HOSTILE_STRINGS));
    }
  }
  return fc.constant(null);
}

/** The arguments of a field, each a variable of the argument's own type, or left out when it may be. */
function argumentsOf(args: readonly GraphQLArgument[], prefix: string, emails: string[]): fc.Arbitrary<Array<{ name: string; variable: string; type: string; value: unknown }>> {
  return fc.tuple(
    ...args.map((arg, index) =>
      fc.option(
        valueOf(arg.type, arg.name, emails, 0).map((value) => ({ name: arg.name, variable: `${prefix}${index}`, type: String(arg.type), value })),
        { freq: isNonNullType(arg.type) ? 20 : 2, nil: null },
      ),
    ),
  ).map((chosen) => chosen.filter((arg): arg is NonNullable<typeof arg> => arg !== null));
}

const isConnection = (type: GraphQLNamedType) => isObjectType(type) && 'nodes' in type.getFields() && 'pageInfo' in type.getFields();

/**
 * What to select of a result: its __typename and, one level down, every
 * field that takes arguments (a loop's timeline, an actor's notifications),
 * called with hostile arguments of its own; through a connection, its nodes.
 */
function selectionOf(type: GraphQLOutputType, prefix: string, emails: string[], depth = 0): fc.Arbitrary<{ text: string; args: Array<{ variable: string; type: string; value: unknown }> }> {
  const named = getNamedType(type);
  if (!isObjectType(named)) return fc.constant({ text: isScalarType(named) || isEnumType(named) ? '' : '{ __typename }', args: [] });
  if (depth > 1) return fc.constant({ text: '{ __typename }', args: [] });
  const parts: Array<fc.Arbitrary<{ text: string; args: Array<{ variable: string; type: string; value: unknown }> }>> = [];
  const fields = Object.values(named.getFields()) as Array<GraphQLField<unknown, unknown>>;
  fields
    .filter((field) => field.args.length > 0)
    .forEach((field, index) => {
      const own = `${prefix}_${index}_`;
      parts.push(
        fc.tuple(argumentsOf(field.args, own, emails), selectionOf(field.type, `${own}s`, emails, depth + 1)).map(([args, inner]) => ({
          text: `${field.name}${args.length ? `(${args.map((arg) => `${arg.name}: $${arg.variable}`).join(', ')})` : ''} ${inner.text}`,
          args: [...args, ...inner.args],
        })),
      );
    });
  if (isConnection(named)) {
    parts.push(selectionOf(named.getFields().nodes.type, `${prefix}n`, emails, depth + 1).map((inner) => ({ text: `totalCount nodes ${inner.text}`, args: inner.args })));
  }
  return fc.tuple(...parts).map((chosen) => ({
    text: `{ __typename ${chosen.map((part) => part.text).join(' ')} }`,
    args: chosen.flatMap((part) => part.args),
  }));
}

/** One call of a root field, every argument a variable, so that the values reach the service exactly as sent. */
function callOf(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, emails: string[]): fc.Arbitrary<Call> {
  return fc.tuple(argumentsOf(field.args, 'a', emails), selectionOf(field.type, 's', emails)).map(([args, selection]) => {
    const all = [...args, ...selection.args];
    const declarations = all.length ? `(${all.map((arg) => `$${arg.variable}: ${arg.type}`).join(', ')})` : '';
    const call = args.length ? `(${args.map((arg) => `${arg.name}: $${arg.variable}`).join(', ')})` : '';
    return {
      query: `${kind} Fuzz${declarations} { ${field.name}${call} ${selection.text} }`,
      variables: Object.fromEntries(all.map((arg) => [arg.variable, arg.value])),
    };
  });
}

/** A value that fits an argument or input field of this name and type: only what is required, from the plausible pools. */
function fittingValue(type: GraphQLInputType, name: string, emails: string[], depth: number): unknown {
  if (isNonNullType(type)) return fittingValue(type.ofType, name, emails, depth);
  if (isListType(type)) return [fittingValue(type.ofType as GraphQLInputType, name, emails, depth + 1)];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    if (depth > 4) return null;
    const required = Object.values(type.getFields()).filter((field) => isNonNullType(field.type) && field.defaultValue === undefined);
    return Object.fromEntries(required.map((field) => [field.name, fittingValue(field.type, field.name, emails, depth + 1)]));
  }
  if (!isScalarType(type)) return null;
  return { Int: 1, Float: 1, Boolean: false, ID: '999', DateTime: '2026-01-05T09:00:00Z' }[type.name] ?? plausibleFor(name, emails)[0];
}

/** Where a value sits in the arguments: argument, then input fields; a list is entered at its first item. */
interface Leaf {
  path: string[];
  type: GraphQLInputType;
}

/** Every argument and input field at any depth, lists and the input objects inside them included. */
function leavesOf(type: GraphQLInputType, path: string[], depth: number): Leaf[] {
  const nullable = getNullableType(type) as GraphQLInputType;
  const named = getNamedType(nullable);
  if (isInputObjectType(named) && depth <= 4) {
    const inside = Object.values(named.getFields()).flatMap((field) => leavesOf(field.type, [...path, field.name], depth + 1));
    return isListType(nullable) ? [{ path, type: nullable }, ...inside] : inside;
  }
  return [{ path, type: nullable }];
}

/** The hostile values tried at a leaf of this type. */
function hostileValues(type: GraphQLInputType): unknown[] {
  if (isListType(type)) return [[], nestedList(60, 'x'), Array.from({ length: 1000 }, (_, index) => `tag-${index}`), 'not a list'];
  const named = getNamedType(type);
  if (isEnumType(named)) return ['NOPE', named.getValues()[0].name.toLowerCase(), 7];
  if (!isScalarType(named)) return [null];
  switch (named.name) {
    case 'Int':
    case 'Float':
      return HOSTILE_INTS;
    case 'Boolean':
      return ['true', 0];
    case 'ID':
      return IDS;
    case 'DateTime':
      return TIMES;
    default:
      return HOSTILE_STRINGS;
  }
}

/** Sets the value at a path of the arguments, entering lists at their first item and making the objects on the way. */
function placed(args: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(args);
  let holder: Record<string, unknown> = copy;
  path.slice(0, -1).forEach((step) => {
    const next = holder[step];
    const inner = Array.isArray(next) ? next[0] : next;
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) holder = inner as Record<string, unknown>;
    else holder = holder[step] = {} as Record<string, unknown>;
  });
  holder[path.at(-1)!] = value;
  return copy;
}

/**
 * One call per argument and input field of a root field and per hostile value
 * taken in turn from its kind's list (a few per field, all of them across the
 * schema), every other argument fitting: so that every field meets hostile
 * input, and meets it past the coercion of the others.
 */
function oneHostileValueEach(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, emails: string[], turn: { next: number }): Call[] {
  const fitting = Object.fromEntries(field.args.filter((arg) => isNonNullType(arg.type)).map((arg) => [arg.name, fittingValue(arg.type, arg.name, emails, 0)]));
  const selection = isObjectType(getNamedType(field.type)) ? '{ __typename }' : '';
  return field.args
    .flatMap((arg) => leavesOf(arg.type, [arg.name], 0))
    .flatMap((leaf) => {
      const values = hostileValues(leaf.type);
      return Array.from({ length: HOSTILE_VALUES_PER_FIELD }, () => values[turn.next++ % values.length]).map((value) => placed(fitting, leaf.path, value));
    })
    .map((values) => {
      const sent = field.args.filter((arg) => arg.name in values);
      const declarations = sent.length ? `(${sent.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ')})` : '';
      const call = sent.length ? `(${sent.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})` : '';
      return { query: `${kind} Fuzz${declarations} { ${field.name}${call} ${selection} }`, variables: values };
    });
}

/** Every string sent, so that an answer may quote the caller's own input without that counting as a leak. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

function withoutEcho(text: string, sent: string[]): string {
  return sent
    .filter((value) => value.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((rest, value) => rest.split(JSON.stringify(value)).join('').split(value).join(''), text);
}

describe('fuzzing every field with hostile input', () => {
  let service: TestService;
  let schema: GraphQLSchema;
  const tokens = new Map<Caller, string | null>([
    ['ADMIN', ADMIN_TOKEN],
    ['nobody', null],
  ]);
  const emails: string[] = [];
  let requests = 0;

  beforeAll(async () => {
    const defaults = loadConfig({});
    service = await startService({
      // Nothing leaves the machine, and no budget runs dry over hundreds of calls.
      webhooks: { ...defaults.webhooks, pollMs: 0 },
      limits: { ...defaults.limits, budgetPerHour: 1_000_000_000, anonymousPerMinute: 1_000_000 },
    });
    for (const role of PEOPLE) {
      const { token, email } = await service.actor(role, `Fuzz ${role}`);
      tokens.set(role, token);
      emails.push(email);
    }
    const pm = tokens.get('PRODUCT_MANAGER')!;
    const operator = tokens.get('OPERATOR')!;
    const { api } = service;
    await api.submitFeedback(operator, { title: 'Live migration of pinned instances', origin: 'OPERATOR', projects: ['nova'] });
    await api.submitFeedback(operator, { title: 'Resize volumes online', origin: 'OPERATOR', projects: ['cinder'] });
    await api.createTheme(pm, { title: 'Compute', kind: 'THEME' });
    await api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-1', themeKey: 'TH-1' });
    await api.createBlueprint(tokens.get('TECH_LEAD')!, { project: 'nova', name: 'live-migration', title: 'Live-migrate pinned instances' });
    schema = buildClientSchema(await service.ok<IntrospectionQuery>(ADMIN_TOKEN, getIntrospectionQuery()));
  });

  afterAll(() => service.close());

  async function send(caller: Caller, call: Call): Promise<void> {
    requests += 1;
    const token = tokens.get(caller);
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(call),
    });
    const text = await response.text();
    const answer = JSON.parse(text) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
    const problems: string[] = [];
    if (response.status >= 500) problems.push(`HTTP ${response.status}`);
    for (const error of answer.errors ?? []) {
      if (!PUBLIC_CODES.has(error.extensions?.code ?? '')) problems.push(`code ${error.extensions?.code}`);
    }
    const said = withoutEcho(JSON.stringify(answer.errors ?? []), stringsIn(call.variables));
    for (const [what, pattern] of LEAKS) if (pattern.test(said)) problems.push(`${what}: ${pattern.exec(said)![0]}`);
    if (problems.length > 0) {
      const shown = JSON.stringify(call.variables, (_key, value) => (typeof value === 'string' && value.length > 100 ? `${value.slice(0, 100)}…` : value));
      throw new Error(`As ${caller}: ${problems.join('; ')}\n${call.query}\nvariables: ${shown.slice(0, 2000)}\nanswer: ${text.slice(0, 2000)}`);
    }
  }

  function fuzz(kind: 'query' | 'mutation'): () => Promise<void> {
    return async () => {
      const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
      const fields = Object.values(root.getFields()) as Array<GraphQLField<unknown, unknown>>;
      expect(fields.length).toBeGreaterThan(10);
      for (const field of fields) {
        const calls = callOf(kind, field, emails);
        for (const caller of ROLES) {
          await fc.assert(
            fc.asyncProperty(calls, (call) => send(caller, call)),
            { seed: SEED, numRuns: caller === 'ADMIN' ? RUNS_AS_ADMIN : RUNS_PER_OTHER_ROLE, endOnFailure: true },
          );
        }
      }
    };
  }

  it('calls every query field as every role, and nothing internal comes back', fuzz('query'));

  it('calls every mutation as every role, and nothing internal comes back', fuzz('mutation'));

  it('sent what it meant to', () => {
    const fields = Object.keys(schema.getQueryType()!.getFields()).length + Object.keys(schema.getMutationType()!.getFields()).length;
    expect(requests).toBe(fields * (RUNS_AS_ADMIN + (ROLES.length - 1) * RUNS_PER_OTHER_ROLE));
  });

  it('puts hostile values in every argument and input field of every query and mutation, one field at a time, as an admin', async () => {
    const turn = { next: 0 };
    let calls = 0;
    for (const kind of ['query', 'mutation'] as const) {
      const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
      for (const field of Object.values(root.getFields()) as Array<GraphQLField<unknown, unknown>>) {
        for (const call of oneHostileValueEach(kind, field, emails, turn)) {
          await send('ADMIN', call);
          calls += 1;
        }
      }
    }
    expect(calls).toBeGreaterThan(HOSTILE_STRINGS.length * 3);
  });

  it('can fail: it catches an internal error, and leaks in what an answer says', async () => {
    expect(LEAKS.some(([, pattern]) => pattern.test('QueryFailedError: invalid input syntax for type integer: "x"'))).toBe(true);
    expect(LEAKS.some(([, pattern]) => pattern.test('at FeedbackService.findByKey (/srv/looptrace/dist/feedback/feedback.service.js:67:15)'))).toBe(true);
    expect(withoutEcho('No feedback "x\'; SELECT y FROM z".', ["x'; SELECT y FROM z"])).not.toMatch(LEAKS[0][1]);
    // Last, as it breaks the database behind the service's back.
    await service.sql('ALTER TABLE release RENAME TO release_gone');
    await expect(send('ADMIN', { query: 'query Fuzz { releases { totalCount } }', variables: {} })).rejects.toThrow(/code INTERNAL_SERVER_ERROR/);
  });
});
