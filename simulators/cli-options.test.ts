import { describe, expect, it } from 'vitest';
import { parseCli } from './cli-options.ts';
import { resolveStart, SimulatorConfigSchema } from './config.ts';

describe('simulate CLI options', () => {
  it('merges options over the environment and resolves scenario names', () => {
    const parsed = parseCli(['--scenario', 'pipe-burst', '--seed', '9', '--time-scale', '1440'], {
      SIM_SEED: '3',
      SIM_QOS: '0',
    });
    if (parsed.help) throw new Error('help');
    expect(parsed.config).toMatchObject({ seed: 9, qos: 0, timeScale: 1440 });
    expect(parsed.config.scenarioPath).toMatch(/scenarios\/pipe-burst\.json$/);
  });

  it('derives the interval from --scale and --rate', () => {
    const parsed = parseCli(['--scale', '10000', '--rate', '5000']);
    if (parsed.help) throw new Error('help');
    expect(parsed.config.intervalMs).toBe(2000);
  });

  it('fails with messages naming the bad setting', () => {
    expect(() => parseCli(['--qos', '2'])).toThrow(/qos: must be 0 or 1/);
    expect(() => parseCli(['--mqtt-url', 'http://x'])).toThrow(/mqttUrl: must be an mqtt/);
    expect(() => parseCli(['--scale', '10'])).toThrow(/--scale and --rate go together/);
    expect(() => parseCli(['--scenario', 'nope'])).toThrow(/unknown scenario 'nope'/);
    expect(() => parseCli(['--frobnicate'])).toThrow(/Unknown option '--frobnicate'/);
    expect(() => parseCli(['--check'])).toThrow(/--check needs --scenario/);
    expect(parseCli(['--help'])).toEqual({ help: true });
  });

  it('starts accelerated runs in the past so device time stays acceptable to the ingest', () => {
    const now = Date.parse('2026-11-28T00:00:00Z');
    const day = 86_400_000;
    expect(resolveStart(SimulatorConfigSchema.parse({}), now)).toBe(now);
    expect(resolveStart(SimulatorConfigSchema.parse({ timeScale: 1440 }), now)).toBe(now - 25 * day);
    expect(
      resolveStart(SimulatorConfigSchema.parse({ timeScale: 1440, rounds: 60, intervalMs: 1000 }), now),
    ).toBe(now - day);
  });
});
