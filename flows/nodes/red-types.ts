/** The small part of Node-RED's node API our nodes use (Node-RED ships no types). */
export type NodeMessage = Record<string, unknown> & { topic?: string; payload?: unknown; _msgid?: string };

export type NodeInstance = {
  id: string;
  on(
    event: 'input',
    handler: (msg: NodeMessage, send: (out: unknown) => void, done: (err?: Error) => void) => void,
  ): void;
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
  send(out: unknown): void;
  status(status: { fill?: string; shape?: string; text?: string }): void;
  log(msg: string): void;
  warn(msg: string): void;
  error(msg: string, msgObj?: NodeMessage): void;
  debug(msg: string): void;
};

export type NodeRedApi = {
  /** An environment variable as the node's flow sees it (flow and group env, then the process's). */
  util: { getSetting(node: object, name: string): string | undefined };
  nodes: {
    createNode(node: object, config: object): void;
    registerType(
      type: string,
      ctor: (this: NodeInstance, config: Record<string, unknown>) => void,
      opts?: object,
    ): void;
  };
};
