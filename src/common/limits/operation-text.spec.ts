import { BadUserInputError, QueryTooComplexError } from '../errors';
import { MAX_OPERATION_NESTING, MAX_OPERATION_TOKENS, refuseUnreadableText } from './operation-text';

describe('the text of an operation', () => {
  it('is read when it is as long and as deep as the limits allow', () => {
    const longest = `{ ${'__typename '.repeat(MAX_OPERATION_TOKENS - 2)}}`;
    expect(() => refuseUnreadableText(longest)).not.toThrow();
    const deepest = `{ a(b: ${'['.repeat(MAX_OPERATION_NESTING - 2)}1${']'.repeat(MAX_OPERATION_NESTING - 2)}) }`;
    expect(() => refuseUnreadableText(deepest)).not.toThrow();
  });

  it('is refused with more tokens than the limit, comments aside', () => {
    expect(() => refuseUnreadableText(`{ ${'__typename '.repeat(MAX_OPERATION_TOKENS - 1)}}`)).toThrow(QueryTooComplexError);
    expect(() => refuseUnreadableText(`{ __typename }\n${'# a comment\n'.repeat(MAX_OPERATION_TOKENS)}`)).not.toThrow();
  });

  it('is refused nesting deeper than the limit, brackets inside strings aside', () => {
    expect(() => refuseUnreadableText(`{ a(b: ${'['.repeat(5000)}${']'.repeat(5000)}) }`)).toThrow(BadUserInputError);
    expect(() => refuseUnreadableText(`{ a(b: ${'{ c: '.repeat(MAX_OPERATION_NESTING)}1${' }'.repeat(MAX_OPERATION_NESTING)}) }`)).toThrow(/nest more than 200 deep/);
    expect(() => refuseUnreadableText(`{ a(b: "${'['.repeat(5000)}") }`)).not.toThrow();
  });

  it('leaves text that does not lex to the parser', () => {
    expect(() => refuseUnreadableText('{ a(b: "unterminated) }')).not.toThrow();
  });
});
