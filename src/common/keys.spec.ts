import { BadUserInputError } from './errors';
import { idFromKey, MAX_ID, numericId } from './keys';

describe('ids and keys', () => {
  it('reads ids from 1 to 2^31-1, in keys and alone', () => {
    expect(idFromKey('FB-', 'fb-42', 'key')).toBe(42);
    expect(idFromKey('TH-', ` TH-${MAX_ID} `, 'key')).toBe(2_147_483_647);
    expect(numericId('1', 'id', 'a job')).toBe(1);
    expect(numericId(String(MAX_ID), 'id', 'a job')).toBe(MAX_ID);
  });

  it('refuses ids outside that range as bad input on the field, whatever the engine could hold', () => {
    for (const key of ['FB-0', 'FB-2147483648', 'FB-999999999999999', 'FB-1e3', 'TH-1', 'FB-']) {
      expect(() => idFromKey('FB-', key, 'input.key')).toThrow(BadUserInputError);
    }
    for (const id of ['0', '2147483648', '9007199254740993', '-1', '1.5', 'NaN', '']) {
      expect(() => numericId(id, 'input.id', 'a webhook')).toThrow(/input\.id: must be the id of a webhook, a number from 1 to 2147483647/);
    }
  });
});
