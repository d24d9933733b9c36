import { Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsEmail, IsOptional, ValidateNested } from 'class-validator';
import { BadUserInputError } from './errors';
import { InputValidationPipe } from './validation.pipe';

@InputType('PipeSpecInner')
class Inner {
  @Field(() => [String])
  tags: string[];
}

@InputType('PipeSpecInput')
class Input {
  @Field()
  @IsEmail()
  email: string;

  @Field(() => Inner, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  since?: Date;
}

describe('InputValidationPipe', () => {
  const pipe = new InputValidationPipe();
  const fieldsOf = async (value: unknown, metatype: unknown, data = 'input') => {
    try {
      await pipe.transform(value, { type: 'body', metatype: metatype as never, data });
      return [];
    } catch (error) {
      if (!(error instanceof BadUserInputError)) throw error;
      return error.problems;
    }
  };

  it('refuses NUL and lone surrogates anywhere in an argument before any other rule sees them', async () => {
    expect(await fieldsOf({ email: 'a\ud800@x.org', inner: { tags: ['ok', 'x\u0000', 'y\udc00'] } }, Input)).toEqual([
      { field: 'input.email', message: 'must not contain NUL characters or unpaired UTF-16 surrogates' },
      { field: 'input.inner.tags', message: 'must not contain NUL characters or unpaired UTF-16 surrogates' },
    ]);
    expect(await fieldsOf('FB-1\u0000', String, 'key')).toEqual([{ field: 'key', message: expect.stringMatching(/NUL/) }]);
  });

  it('keeps paired surrogates, such as emoji, and refuses times beyond the years 1 to 9999', async () => {
    expect(await fieldsOf({ email: 'a@x.org', inner: { tags: ['🚀 launch'] } }, Input)).toEqual([]);
    expect(await fieldsOf({ email: 'a@x.org', since: new Date('+010000-01-01T00:00:00Z') }, Input)).toEqual([
      { field: 'input.since', message: expect.stringMatching(/years 1 to 9999/) },
    ]);
    expect(await fieldsOf({ email: 'a@x.org', since: new Date('nonsense') }, Input)).toHaveLength(1);
  });

  it('leaves values that are not arguments alone', async () => {
    const parent = { title: 'stored before these rules \u0000' };
    expect(await pipe.transform(parent, { type: 'custom', metatype: Object, data: undefined })).toBe(parent);
  });
});
