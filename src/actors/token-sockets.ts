import { Injectable, OnModuleInit } from '@nestjs/common';
import { CloseCode } from 'graphql-ws';
import { EventType, isEventOf } from '../history/event-catalogue';
import { LiveEvents } from '../history/live-events';
import { TOKEN_KEY_PREFIX } from './api-token.entity';

/** What the registry needs of an open WebSocket; the ws library's sockets are such. */
export interface TokenSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * The open graphql-ws sockets of this instance, by the token that opened
 * them. A socket shows its token once, when it connects, and then receives
 * events for as long as it stays open; so revoking a token closes its
 * sockets, with 4403 Forbidden, as soon as the revocation has committed. The
 * committed token.revoked event reaches every instance (over PostgreSQL,
 * through PostgresLiveRelay), so a revocation made on one closes the sockets
 * held by all.
 */
@Injectable()
export class TokenSockets implements OnModuleInit {
  private readonly open = new Map<number, Set<TokenSocket>>();
  /**
   * Tokens revoked while this instance runs. A revocation may commit after a
   * connecting socket's token was read and before the socket is held; its
   * event then finds no socket to close, and this refuses the socket instead.
   */
  private readonly revoked = new Set<number>();

  constructor(private readonly live: LiveEvents) {}

  onModuleInit(): void {
    this.live.onEvent(({ event }) => {
      if (isEventOf(event, EventType.TOKEN_REVOKED)) this.revoke(Number(event.recordKey.slice(TOKEN_KEY_PREFIX.length)));
    });
  }

  /** Keeps the socket of this token until it closes; false, and not kept, when the token was revoked meanwhile. */
  hold(tokenId: number, socket: TokenSocket): boolean {
    if (this.revoked.has(tokenId)) return false;
    const sockets = this.open.get(tokenId) ?? new Set<TokenSocket>();
    sockets.add(socket);
    this.open.set(tokenId, sockets);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && this.open.get(tokenId) === sockets) this.open.delete(tokenId);
    });
    return true;
  }

  private revoke(tokenId: number): void {
    this.revoked.add(tokenId);
    const sockets = this.open.get(tokenId);
    this.open.delete(tokenId);
    sockets?.forEach((socket) => socket.close(CloseCode.Forbidden, 'Forbidden'));
  }
}
