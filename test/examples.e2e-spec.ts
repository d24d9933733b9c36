import { GraphQLSchemaHost } from '@nestjs/graphql';
import { OperationTypeNode, parse, validate } from 'graphql';
import { readExamples } from '../src/web/web-files';
import { startService, TestService } from './support/service';

const ROLES = ['admin', 'anyone', 'operator', 'product-manager', 'tech-lead'];

/** The example operations of docs/examples, which the IDE offers and the guides link to, must run against the schema as it is. */
describe('docs/examples', () => {
  let service: TestService;
  const examples = readExamples();

  beforeAll(async () => {
    service = await startService();
  });

  afterAll(() => service.close());

  it('has examples for every role, each titled by its first comment line', () => {
    expect([...new Set(examples.map((example) => example.role))].sort()).toEqual(ROLES);
    for (const example of examples) expect({ path: example.path, titled: example.title !== example.path }).toEqual({ path: example.path, titled: true });
  });

  it.each(examples.map((example) => [example.path, example] as const))('%s is valid against the schema', (_path, example) => {
    const errors = validate(service.app.get(GraphQLSchemaHost).schema, parse(example.query));
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it('has one operation per file, and a subscription among them', () => {
    const operations = examples.map((example) => parse(example.query).definitions.filter((definition) => definition.kind === 'OperationDefinition'));
    expect(operations.every((definitions) => definitions.length === 1)).toBe(true);
    const kinds = operations.flat().map((definition) => ('operation' in definition ? definition.operation : null));
    expect(kinds).toContain(OperationTypeNode.SUBSCRIPTION);
  });

  it('are what the IDE offers', async () => {
    const response = await fetch(service.url.replace(/\/graphql$/, '/ide/examples'));
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual(examples);
  });
});
