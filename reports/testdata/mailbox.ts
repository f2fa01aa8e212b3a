import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

// Test helpers: an SMTP server in this process (smtp-server, as the flows' e-mail tests use it) that
// keeps every message raw, and the two readings of a message the tests make.

export type Mailbox = {
  smtp: { close(): Promise<void> };
  mails: string[];
  smtpUrl: string;
  /** Messages refused so far (`refuse` below). */
  refused: number;
};

export type MailboxOptions = {
  /** Listen on this port (a test that first needs nobody listening there); default: any free one. */
  port?: number;
  /** Refuse this many messages first, with `451 4.3.0 try again later`, as a busy server does. */
  refuse?: number;
  /** The answer the refusals get: 451 (transient, the default) or a 5xx (permanent, e.g. 550). */
  refuseWith?: number;
};

export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
  const mails: string[] = [];
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refused < (options.refuse ?? 0)) {
          refused++;
          const code = options.refuseWith ?? 451;
          const text = code >= 500 ? '5.1.1 mailbox unavailable' : '4.3.0 try again later';
          return done(Object.assign(new Error(text), { responseCode: code }));
        }
        mails.push(Buffer.concat(chunks).toString('latin1'));
        done();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    mails,
    get refused() {
      return refused;
    },
    smtpUrl: `smtp://127.0.0.1:${port}`,
    smtp: { close: () => new Promise<void>((resolve) => server.close(() => resolve())) },
  };
}

/** The attachments of a raw MIME message: file name -> decoded bytes (nodemailer writes base64 parts). */
export function attachments(raw: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (!boundary) return found;
  for (const part of raw.split(`--${boundary}`)) {
    const [head = '', ...body] = part.split(/\r?\n\r?\n/);
    const name = /filename="?([^";\r\n]+)"?/i.exec(head)?.[1];
    if (!name || !/attachment/i.test(head)) continue;
    const text = body.join('\n\n').trim();
    found.set(name, /base64/i.test(head) ? Buffer.from(text, 'base64') : Buffer.from(text));
  }
  return found;
}

/** A header's value, unfolded, its RFC 2047 encoded words decoded. */
export function header(raw: string, name: string): string {
  const folded = (new RegExp(`^${name}: (.*(?:\\r?\\n[ \\t].*)*)`, 'm').exec(raw)?.[1] ?? '').replace(
    /\r?\n[ \t]/g,
    ' ',
  );
  const q = (text: string) =>
    Buffer.from(
      text
        .replace(/_/g, ' ')
        .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
      'latin1',
    ).toString();
  return folded.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=(?:\s+(?==\?))?/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString() : q(text),
  );
}

