import { GraphQLSchemaHost } from '@nestjs/graphql';
import { GraphQLInputObjectType, GraphQLObjectType, printSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService, TestService } from './support/service';

describe('schema.gql', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startService();
  });

  afterAll(() => service.close());

  it('is the schema the code generates (run `npm run schema` after changing the API)', () => {
    const generated = printSchema(service.app.get(GraphQLSchemaHost).schema) + '\n';
    const committed = readFileSync(join(__dirname, '..', 'schema.gql'), 'utf8');
    expect(committed).toBe(generated);
  });

  it('keeps the root fields and arguments of the public contract', () => {
    const schema = service.app.get(GraphQLSchemaHost).schema;
    const query = schema.getQueryType()!.getFields();
    const args = (field: string) => query[field].args.map((arg) => arg.name).sort();
    expect(args('feedbackItems')).toEqual(['after', 'filter', 'first', 'orderBy']);
    expect(args('loops')).toEqual(['after', 'filter', 'first', 'orderBy']);
    expect(args('loop')).toEqual(['key']);
    expect(args('blueprint')).toEqual(['name', 'project']);
    expect(args('themes')).toEqual(['after', 'filter', 'first']);
    expect(args('releases')).toEqual(['after', 'first']);
    const mutations = Object.keys(schema.getMutationType()!.getFields());
    expect(mutations).toEqual(
      expect.arrayContaining([
        'submitFeedback', 'voteFeedback', 'triageFeedback', 'mergeFeedback', 'createTheme', 'updateTheme', 'linkFeedbackToTheme',
        'unlinkFeedbackFromTheme', 'createBlueprint', 'updateBlueprint', 'linkBlueprint', 'unlinkBlueprint', 'createRelease',
        'updateRelease', 'recordReleaseOutcome', 'closeLoop', 'verifyClosure', 'reopenLoop', 'createActor', 'issueToken', 'revokeToken',
      ]),
    );
    const loopFields = Object.keys((schema.getType('Loop') as GraphQLObjectType).getFields());
    expect(loopFields).toEqual(
      expect.arrayContaining(['key', 'feedback', 'stage', 'stageEnteredAt', 'themes', 'blueprints', 'waitingOn', 'stages', 'timeline', 'resolution', 'verification']),
    );
    const loopFilter = Object.keys((schema.getType('LoopFilter') as GraphQLInputObjectType).getFields());
    expect(loopFilter).toEqual(expect.arrayContaining(['stage', 'origin', 'project', 'themeKey', 'release', 'stalledForDays']));
  });
});
