import { createChannels } from '../adapters/notifiers.ts';
import type { AlertEvent } from '../core/alert.ts';
import { createNotifyPolicy } from '../core/notify-policy.ts';
import { NotifyNodeConfigSchema, parseNodeConfig } from '../node-config.ts';
import type { NodeInstance, NodeRedApi } from './red-types.ts';

const RETRY_MS = 2000;

/**
 * `depok-notify`: alert transitions (msg.payload = {event, alert, at}) to webhook, e-mail and
 * Telegram, each optional, with de-duplication, per-alert rate limits and escalation mail.
 * Outputs one message per delivery attempt outcome ({channel, id, event, result}) for tests and audits.
 */
export default function register(RED: NodeRedApi) {
  RED.nodes.registerType('depok-notify', function (this: NodeInstance, props: Record<string, unknown>) {
    RED.nodes.createNode(this, props);
    let config: ReturnType<typeof parseNodeConfig<typeof NotifyNodeConfigSchema>>;
    try {
      // FLOWS_LANGUAGE by env (flows.json names no language property; one set there wins).
      const language = RED.util.getSetting(this, 'FLOWS_LANGUAGE');
      config = parseNodeConfig(NotifyNodeConfigSchema, { language, ...props });
    } catch (err) {
      this.error(`depok-notify not started: ${(err as Error).message}`);
      this.status({ fill: 'red', shape: 'ring', text: 'invalid config' });
      return;
    }
    const channels = createChannels(config);
    const policy = createNotifyPolicy({
      events: config.events,
      rateLimitCount: config.rateLimitCount,
      rateLimitWindowMs: config.rateLimitWindowS * 1000,
    });
    this.status({
      text: channels.length > 0 ? channels.map((c) => c.name).join(', ') : 'no channel configured',
    });

    this.on('input', (msg, send, done) => {
      const e = msg.payload as AlertEvent;
      if (!e?.alert?.id) return done();
      for (const channel of channels) {
        const decision = policy.decide(e, channel.name, Date.now());
        const report = (result: string) =>
          send({
            topic: e.alert.id,
            payload: { channel: channel.name, id: e.alert.id, event: e.event, result },
          });
        if (decision !== 'send') {
          if (decision === 'rate_limited')
            this.warn(`${channel.name}: ${e.event} of ${e.alert.id} rate-limited`);
          report(decision);
          continue;
        }
        channel
          .send(e)
          .catch(async (first: Error) => {
            await new Promise((r) => setTimeout(r, RETRY_MS));
            return channel.send(e).catch((err: Error) => {
              throw new Error(`${first.message}; retry: ${err.message}`);
            });
          })
          .then(
            () => report('sent'),
            (err: Error) => {
              this.error(`${channel.name}: ${e.event} of ${e.alert.id} not delivered: ${err.message}`);
              report('failed');
            },
          );
      }
      done();
    });
  });
}
