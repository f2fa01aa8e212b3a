import { describe, expect, it } from 'vitest';
import { simulatorConfigFromEnv } from './config.ts';

// Written from what the hand-written env mapping gave before the settings were declared once.
const EVERY_VARIABLE = {
  MQTT_URL: 'mqtts://b:8883',
  SIM_CREDENTIALS: '/sc.json',
  SIM_INTERVAL_MS: '100',
  SIM_TIME_SCALE: '60',
  SIM_SEED: '5',
  SIM_QOS: '0',
  SIM_ROUNDS: '3',
  SIM_STATIONS: '/st.json',
  SIM_SCENARIO: '/sc/x.json',
  SIM_START: 'scenario',
  SIM_FORMAT: 'senml',
  SIM_PROGRESS_MS: '0',
};

describe('simulator settings', () => {
  it('defaults', () => {
    expect(simulatorConfigFromEnv({})).toEqual({
      mqttUrl: 'mqtt://127.0.0.1:1883',
      credentialsPath: 'state/simulator-credentials.json',
      intervalMs: 5000,
      timeScale: 1,
      seed: 1,
      qos: 1,
      rounds: 0,
      start: 'auto',
      format: 'station',
      maxInflight: 20000,
      connectConcurrency: 100,
      progressMs: 10000,
    });
  });

  it('reads every variable into its place', () => {
    expect(simulatorConfigFromEnv(EVERY_VARIABLE)).toEqual({
      mqttUrl: 'mqtts://b:8883',
      credentialsPath: '/sc.json',
      intervalMs: 100,
      timeScale: 60,
      seed: 5,
      qos: 0,
      rounds: 3,
      stationsPath: '/st.json',
      scenarioPath: '/sc/x.json',
      start: 'scenario',
      format: 'senml',
      maxInflight: 20000,
      connectConcurrency: 100,
      progressMs: 0,
    });
  });

  it('names the variable of a bad value', () => {
    expect(() => simulatorConfigFromEnv({ SIM_QOS: '2', SIM_FORMAT: 'xml' })).toThrow(
      /SIM_QOS \(qos\): must be 0 or 1\n {2}SIM_FORMAT \(format\)/,
    );
  });
});
