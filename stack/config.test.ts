import { describe, expect, it } from 'vitest';
import { stackConfigFromEnv } from './config.ts';

// Written from what the hand-written env mapping gave before the settings were declared once.
const EVERY_VARIABLE = {
  BROKER_PORT: '1884',
  INFLUX_URL: 'http://i:8086',
  INFLUX_DATABASE: 'db',
  SIM_INTERVAL_MS: '100',
  SIM_TIME_SCALE: '60',
  SIM_STATIONS: '/st.json',
  STATE_DIR: '/state',
  INFLUX_PORT: '8087',
  STACK_FLOWS: 'off',
  STACK_CONSOLE: '0',
  STACK_PUBLIC: 'no',
};

describe('npm start settings', () => {
  it('defaults', () => {
    expect(stackConfigFromEnv({})).toEqual({
      stateDir: 'state',
      influxPort: 8086,
      database: 'environment',
      brokerPort: 1883,
      flows: true,
      console: true,
      public: true,
      intervalMs: 5000,
      timeScale: 1,
    });
  });

  it('reads every variable into its place', () => {
    expect(stackConfigFromEnv(EVERY_VARIABLE)).toEqual({
      stateDir: '/state',
      influxUrl: 'http://i:8086',
      influxPort: 8087,
      database: 'db',
      brokerPort: 1884,
      stationsPath: '/st.json',
      flows: false,
      console: false,
      public: false,
      intervalMs: 100,
      timeScale: 60,
    });
  });

  it('names the variable of a bad value', () => {
    expect(() => stackConfigFromEnv({ BROKER_PORT: '0' })).toThrow(/BROKER_PORT \(brokerPort\): Too small/);
  });
});
