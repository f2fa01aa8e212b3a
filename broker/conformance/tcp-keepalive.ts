import { Socket } from 'node:net';
import type { Aedes } from 'aedes';

/**
 * TCP keepalive on every MQTT connection (TCP, TLS, and the socket under a WebSocket): a peer that
 * vanished (power cut, NAT timeout) without a FIN is found by the kernel's probes after `idleMs` of
 * silence, even when the client asked for no MQTT keepalive (0 turns it off, section 3.1.2.10) and aedes runs no
 * timer for it. With Linux's defaults (9 probes, 75 s apart) a dead peer is closed about 11 minutes
 * after the idle time; a live one answers the probes at no cost to it.
 */
export function installTcpKeepalive(aedes: Aedes, idleMs: number): void {
  const handle = aedes.handle;
  aedes.handle = (conn, req) => {
    // A TLS socket is a net.Socket whose handle passes setKeepAlive down to the TCP one.
    const socket = conn instanceof Socket ? conn : req?.socket;
    socket?.setKeepAlive(true, idleMs);
    return handle(conn, req);
  };
}
