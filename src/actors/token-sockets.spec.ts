import { EventEmitter } from 'node:events';
import { EventType, RecordType } from '../history/event-catalogue';
import { LiveEvents } from '../history/live-events';
import { LoopEvent } from '../history/loop-event.entity';
import { TokenSocket, TokenSockets } from './token-sockets';

class FakeSocket extends EventEmitter implements TokenSocket {
  closedWith: [number, string] | null = null;

  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
    this.emit('close');
  }
}

const event = (type: EventType, recordKey: string) => ({ event: Object.assign(new LoopEvent(), { type, recordType: RecordType.TOKEN, recordKey }), loops: [] });

describe('TokenSockets', () => {
  let live: LiveEvents;
  let sockets: TokenSockets;

  beforeEach(() => {
    live = new LiveEvents();
    sockets = new TokenSockets(live);
    sockets.onModuleInit();
  });

  afterEach(() => live.onModuleDestroy());

  it('closes every socket of a revoked token with 4403, and no other', () => {
    const [first, second, other] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    expect([sockets.hold(7, first), sockets.hold(7, second), sockets.hold(8, other)]).toEqual([true, true, true]);
    live.publish(event(EventType.TOKEN_ISSUED, 'token-7'));
    expect(first.closedWith).toBeNull();
    live.publish(event(EventType.TOKEN_REVOKED, 'token-7'));
    expect([first.closedWith, second.closedWith, other.closedWith]).toEqual([[4403, 'Forbidden'], [4403, 'Forbidden'], null]);
  });

  it('hears of revocations relayed from other instances', async () => {
    const socket = new FakeSocket();
    sockets.hold(3, socket);
    await live.publishRelayed(event(EventType.TOKEN_REVOKED, 'token-3'));
    expect(socket.closedWith).toEqual([4403, 'Forbidden']);
  });

  it('refuses a socket whose token was revoked while it connected', () => {
    live.publish(event(EventType.TOKEN_REVOKED, 'token-5'));
    expect(sockets.hold(5, new FakeSocket())).toBe(false);
  });

  it('forgets a socket once it has closed', () => {
    const socket = new FakeSocket();
    sockets.hold(9, socket);
    socket.emit('close');
    live.publish(event(EventType.TOKEN_REVOKED, 'token-9'));
    expect(socket.closedWith).toBeNull();
  });
});
