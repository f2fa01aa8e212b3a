import { join } from 'node:path';
import { findKind } from '../../lib/catalogue/index.ts';
import { parseTopic } from '../../lib/catalogue/topics.ts';
import { createStateFile } from '../adapters/state-file.ts';
import type { Effects } from '../core/alert.ts';
import { createEngine, type Engine, type Reading, type StoredSnapshot } from '../core/engine.ts';
import { handleApi } from '../core/http-api.ts';
import { loadRuleSet } from '../load-rules.ts';
import { parseNodeConfig, RulesNodeConfigSchema } from '../node-config.ts';
import { type RecordsWatch, watchRecords } from './records-watch.ts';
import type { NodeInstance, NodeMessage, NodeRedApi } from './red-types.ts';
import { type RegistryWatch, watchRegistry } from './registry-watch.ts';

const TOMBSTONE_MS = 24 * 3_600_000;

function isReading(p: unknown): p is Reading {
  const r = p as Reading;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.kind === 'string' &&
    typeof r.station === 'string' &&
    typeof r.ts === 'number' &&
    typeof r.values === 'object' &&
    r.values !== null &&
    (r.validity === undefined || (typeof r.validity === 'object' && r.validity !== null))
  );
}

/**
 * `depok-rules`: the alert engine as a Node-RED node. Inputs: normalized readings, ack messages,
 * HTTP API requests and the MQTT node's status (republish on connect). Outputs: 1 MQTT publishes,
 * 2 InfluxDB lines, 3 notification events, 4 HTTP responses.
 */
export default function register(RED: NodeRedApi) {
  RED.nodes.registerType('depok-rules', function (this: NodeInstance, props: Record<string, unknown>) {
    RED.nodes.createNode(this, props);
    let engine: Engine;
    let config: ReturnType<typeof parseNodeConfig<typeof RulesNodeConfigSchema>>;
    try {
      // FLOWS_LANGUAGE by env (flows.json names no language property; one set there wins).
      const language = RED.util.getSetting(this, 'FLOWS_LANGUAGE');
      config = parseNodeConfig(RulesNodeConfigSchema, { language, ...props });
      const built = loadRuleSet(config.rulesFile, config.overridesFile);
      engine = createEngine({
        ...built,
        escalateAfterMs: config.escalateAfterS * 1000,
        language: config.language,
      });
    } catch (err) {
      this.error(`depok-rules not started: ${(err as Error).message}`);
      this.status({ fill: 'red', shape: 'ring', text: 'invalid rules' });
      return;
    }
    const stateFile = createStateFile(join(config.stateDir, 'alerts-state.json'));
    const tombstones = new Map<string, number>();
    let ready = false;
    const backlog: NodeMessage[] = [];

    const save = () =>
      stateFile
        .save(() => engine.snapshot())
        .catch((err: Error) => this.error(`state not saved: ${err.message}`));

    const dispatch = (fx: Effects, send: (out: unknown) => void) => {
      const now = Date.now();
      for (const m of fx.mqtt) if (m.retain && m.payload === '') tombstones.set(m.topic, now);
      const out: unknown[] = [null, null, null, null];
      if (fx.mqtt.length > 0) out[0] = fx.mqtt.map((m) => ({ ...m }));
      if (fx.lines.length > 0) out[1] = { payload: fx.lines };
      if (fx.events.length > 0) out[2] = fx.events.map((e) => ({ topic: e.alert.id, payload: e }));
      if (out.some((o) => o !== null)) send(out);
      if (engine.takeAlertsDirty()) void save();
    };

    const republish = (send: (out: unknown) => void) => {
      const fx = engine.republish();
      const now = Date.now();
      for (const [topic, at] of tombstones) {
        if (now - at > TOMBSTONE_MS) tombstones.delete(topic);
        else fx.mqtt.push({ topic, payload: '', retain: true, qos: 1 });
      }
      dispatch(fx, send);
    };

    const handle = (msg: NodeMessage, send: (out: unknown) => void) => {
      const now = Date.now();
      if (msg.req) {
        const res = handleApi(engine, msg, config.apiToken, now);
        dispatch(res.effects, send);
        send([
          null,
          null,
          null,
          {
            ...msg,
            payload: res.body,
            statusCode: res.status,
            headers: { 'content-type': 'application/json' },
          },
        ]);
        return;
      }
      const status = msg.status as { text?: string } | undefined;
      if (status) {
        engine.stats.mqttConnected = status.text?.endsWith('.connected') ?? false;
        if (engine.stats.mqttConnected) republish(send);
        return;
      }
      const topic = msg.topic ?? '';
      const parsed = parseTopic(topic);
      if (parsed?.type === 'normalized') {
        const r = msg.payload;
        if (!isReading(r) || !findKind(r.kind) || r.kind !== parsed.kind || r.station !== parsed.station)
          return;
        dispatch(engine.onReading(r, now), send);
        return;
      }
      if (parsed?.type === 'alert_ack') {
        const res = handleApi(
          engine,
          {
            ...msg,
            req: {
              method: 'POST',
              params: { kind: parsed.kind, station: parsed.station, rule: parsed.rule },
            },
          },
          undefined,
          now,
          true,
        );
        if (res.status !== 200) this.warn(`ack on ${topic} refused: ${JSON.stringify(res.body)}`);
        dispatch(res.effects, send);
      }
    };

    // Maintenance windows mute alerts (core/mute.ts); read before the backlog is judged.
    const records: RecordsWatch | undefined =
      config.recordsFile === undefined
        ? undefined
        : watchRecords(config.recordsFile, this, (windows) => engine.setMaintenance(windows));
    if (records) engine.setMaintenance(records.windows);

    let registry: RegistryWatch | undefined;
    let closed = false;
    const sendOut = (out: unknown) => this.send(out);
    // The registry after the state: restored stations a revoked device left are cleared at once.
    const loadRegistry = async () => {
      if (!config.registryFile) return;
      registry = await watchRegistry(config.registryFile, this, (devices) => {
        if (ready) dispatch(engine.setRegistry(devices, Date.now()), sendOut);
      });
      if (closed) registry?.close();
      else if (registry) dispatch(engine.setRegistry(registry.devices, Date.now()), sendOut);
    };

    stateFile
      .load<StoredSnapshot>()
      .then(async (snapshot) => {
        if (snapshot) engine.restore(snapshot, Date.now());
        await loadRegistry();
        ready = true;
        for (const msg of backlog.splice(0)) handle(msg, sendOut);
        this.status({ fill: 'green', shape: 'dot', text: `${engine.activeAlerts().length} active` });
      })
      .catch((err: Error) => this.error(`state file unreadable, not started: ${err.message}`));

    this.on('input', (msg, send, done) => {
      if (!ready) backlog.push(msg);
      else handle(msg, send);
      done();
    });

    const tick = setInterval(() => {
      if (ready) dispatch(engine.onTick(Date.now()), sendOut);
    }, config.tickMs);
    const snap = setInterval(() => {
      if (ready) void save();
    }, config.snapshotMs);
    const statusTimer = setInterval(() => {
      if (ready)
        this.status({
          fill: 'green',
          shape: 'dot',
          text: `${engine.activeAlerts().length} active, ${engine.stats.readings} readings`,
        });
    }, 5000);

    this.on('close', (_removed, done) => {
      closed = true;
      registry?.close();
      records?.close();
      clearInterval(tick);
      clearInterval(snap);
      clearInterval(statusTimer);
      if (!ready) return done();
      save().then(done, done);
    });
  });
}
