import { RequestScopes, StatementsInFlight } from './request-scope';
import { requestLoader } from './loaders';

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

describe('StatementsInFlight', () => {
  it('calls back only once every statement in flight has been answered', async () => {
    const statements = new StatementsInFlight();
    const settled = jest.fn();
    statements.started();
    statements.started();
    statements.whenSettled(settled);
    await nextMacrotask();
    statements.finished();
    await nextMacrotask();
    expect(settled).not.toHaveBeenCalled();
    statements.finished();
    await nextMacrotask();
    expect(settled).toHaveBeenCalledTimes(1);
  });

  it('calls back on the next turn of the event loop when nothing is in flight', async () => {
    const settled = jest.fn();
    new StatementsInFlight().whenSettled(settled);
    expect(settled).not.toHaveBeenCalled();
    await nextMacrotask();
    expect(settled).toHaveBeenCalledTimes(1);
  });
});

describe('requestLoader', () => {
  it('puts the keys asked for by the answer of a statement in flight into the batch it was waiting to send', async () => {
    const batches: number[][] = [];
    const context = {};
    const scope = { id: 'request', deadline: null, timeoutMs: null };
    await RequestScopes.run(scope, async () => {
      const statements = RequestScopes.current()!.statements;
      const loader = requestLoader<number, number>(context, 'double', async (keys) => {
        batches.push([...keys]);
        return keys.map((key) => key * 2);
      });
      // A statement is in flight (say, the page of webhooks) while one relation is asked for already.
      statements.started();
      const first = loader.load(1);
      setTimeout(() => {
        // Its answer arrives later and asks for a relation of its own rows.
        void loader.load(2);
        statements.finished();
      }, 20);
      expect(await first).toBe(2);
    });
    expect(batches).toEqual([[1, 2]]);
  });
});
