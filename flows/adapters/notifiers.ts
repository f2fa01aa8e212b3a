import nodemailer from 'nodemailer';
import { translator } from '../../lib/i18n/index.ts';
import type { AlertEvent } from '../core/alert.ts';
import { formatNotification } from '../core/notify-policy.ts';
import type { NotifyNodeConfig } from '../node-config.ts';

export type Channel = { name: string; send(e: AlertEvent): Promise<void> };

async function post(url: string, body: unknown, timeoutMs: number, what: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  // The Telegram URL holds the bot token: errors name the channel, never the URL.
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 200)}`);
}

/** The channels the configuration turns on (each optional). */
export function createChannels(config: NotifyNodeConfig): Channel[] {
  const channels: Channel[] = [];
  // The webhook gets the event as data (its alert's `message` is in this language too, `text` in any).
  const tr = translator(config.language);
  if (config.webhookUrl) {
    const url = config.webhookUrl;
    channels.push({ name: 'webhook', send: (e) => post(url, e, config.timeoutMs, 'webhook') });
  }
  if (config.smtpUrl && config.mailTo.length > 0) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    channels.push({
      name: 'email',
      async send(e) {
        const { subject, text } = formatNotification(e, tr);
        const to =
          e.event === 'escalated' && config.escalationMailTo.length > 0
            ? config.escalationMailTo
            : config.mailTo;
        await transport.sendMail({ from: config.mailFrom, to, subject, text });
      },
    });
  }
  if (config.telegramToken && config.telegramChatId) {
    const url = `${config.telegramApiUrl.replace(/\/$/, '')}/bot${config.telegramToken}/sendMessage`;
    const chatId = config.telegramChatId;
    channels.push({
      name: 'telegram',
      async send(e) {
        const { subject, text } = formatNotification(e, tr);
        await post(url, { chat_id: chatId, text: `${subject}\n${text}` }, config.timeoutMs, 'telegram');
      },
    });
  }
  return channels;
}
