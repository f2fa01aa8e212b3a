/** The shapes aedes 1.2 hands its persistence (aedes-persistence 11 API); only `id` of a client is used. */
export type Client = { id: string };
export type Subscriber = { clientId: string };
export type Subscription = { topic: string; qos: number; [key: string]: unknown };
export type Packet = {
  cmd?: string;
  topic?: string;
  payload?: Buffer | string;
  qos?: number;
  brokerId?: string;
  brokerCounter?: number;
  messageId?: number;
  [key: string]: unknown;
};

/** Everything of a packet but its payload, which records carry as raw bytes. */
export function packetMeta(packet: Packet): Record<string, unknown> {
  const { payload: _payload, ...meta } = packet;
  return meta;
}
