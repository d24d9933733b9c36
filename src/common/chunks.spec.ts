import { eachChunk, inChunks } from './chunks';

describe('chunks', () => {
  const items = Array.from({ length: 450 }, (_item, index) => index);

  it('works on the items a chunk at a time, in order, each chunk after the one before', async () => {
    const chunks: number[][] = [];
    let working = false;
    await eachChunk(items, async (chunk) => {
      expect(working).toBe(false);
      working = true;
      await new Promise((resolve) => setImmediate(resolve));
      chunks.push(chunk);
      working = false;
    });
    expect(chunks.map((chunk) => chunk.length)).toEqual([200, 200, 50]);
    expect(chunks.flat()).toEqual(items);
  });

  it('does no work on no items', async () => {
    const work = jest.fn(async () => []);
    expect(await inChunks([], work)).toEqual([]);
    expect(work).not.toHaveBeenCalled();
  });

  it('gives the results in the order of the items', async () => {
    expect(await inChunks(items, async (chunk) => chunk.map((item) => item * 2))).toEqual(items.map((item) => item * 2));
  });
});
