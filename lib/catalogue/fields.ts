import type { FieldSpec, ValiditySpec } from './spec.ts';
import { validityDefaults as checks } from './validity-defaults.ts';

/**
 * Field helpers: a kind's entry lists its fields as calls (`temperature()`, `ph()`, ...), each built on
 * `numeric()`, as zigbee-herdsman-converters builds a device from `m.temperature()`, `m.pm25()`. A helper
 * carries the canonical unit, a physical range and the names the payload formats give the quantity, so a
 * new kind says only where it differs: `temperature({ min: 0, max: 80, description: 'Effluent temperature' })`.
 *
 * Ranges cover what field instruments report (low-cost optical PM sensors saturate near 1,000 ug/m3; raw
 * industrial influent can reach tens of thousands of mg/L COD): they are the instruments', not the limits.
 * Each helper also says how the ingest flags its values automatically (`validity`, validity-defaults.ts).
 */
type FieldOverrides = Partial<FieldSpec>;

/** A field; an override's `validity` keys replace the helper's one by one, the others stay. */
export function numeric(spec: FieldSpec, overrides: FieldOverrides = {}): FieldSpec {
  const field = { ...spec, ...overrides };
  if (spec.validity && overrides.validity) field.validity = { ...spec.validity, ...overrides.validity };
  return field;
}

const senml = (...names: string[]) => ({ names });

/**
 * Sensor.Community firmware `value_type`s are `<SENSOR>_<quantity>`; these are the sensors it drives for
 * each quantity we store. P1 is PM10 and P2 is PM2.5 on every particulate sensor.
 */
const SC_PARTICULATE = ['SDS', 'SPS30', 'PMS', 'HPM', 'NPM'];
const SC_TEMPERATURE = ['BME280', 'BMP280', 'BMP180', 'DHT22', 'SHT3X', 'HTU21D'];
const SC_HUMIDITY = ['BME280', 'DHT22', 'SHT3X', 'HTU21D'];
const SC_PRESSURE = ['BME280', 'BMP280', 'BMP180'];
const sensorCommunity = (sensors: string[], quantity: string, unit: string) => ({
  valueTypes: sensors.map((sensor) => `${sensor}_${quantity}`),
  unit,
});

// Particulates and gases. The ppb factors are the standards file's unit_conversions at 25 degC, 1 atm.

export const pm25 = (o?: FieldOverrides) =>
  numeric(
    {
      unit: 'ug/m3',
      min: 0,
      max: 1000,
      description: 'PM2.5 mass concentration',
      senml: senml('pm2_5', 'pm2.5'),
      sensorCommunity: sensorCommunity(SC_PARTICULATE, 'P2', 'ug/m3'),
      validity: checks.pm25,
    },
    o,
  );
export const pm10 = (o?: FieldOverrides) =>
  numeric(
    {
      unit: 'ug/m3',
      min: 0,
      max: 2000,
      description: 'PM10 mass concentration',
      sensorCommunity: sensorCommunity(SC_PARTICULATE, 'P1', 'ug/m3'),
      validity: checks.pm10,
    },
    o,
  );

const gas =
  (description: string, max: number, validity: ValiditySpec, ugM3PerPpb?: number) => (o?: FieldOverrides) =>
    numeric({ unit: 'ug/m3', min: 0, max, description, ...(ugM3PerPpb ? { ugM3PerPpb } : {}), validity }, o);
export const no2 = gas('Nitrogen dioxide', 5000, checks.no2, 1.88);
export const so2 = gas('Sulphur dioxide', 5000, checks.so2, 2.62);
export const co = gas('Carbon monoxide', 100000, checks.co, 1.145);
export const o3 = gas('Ozone', 2000, checks.o3, 1.96);
export const hc = gas('Non-methane hydrocarbons', 10000, checks.hc);

// Weather and physical quantities. The plain helper names what any kind measures; the air variants add
// the Sensor.Community names, since that firmware drives ambient sensors only (a water temperature
// never arrives as BME280_temperature, and a kind without such names refuses Sensor.Community payloads).

export const temperature = (o?: FieldOverrides) =>
  numeric(
    {
      unit: 'degC',
      min: -10,
      max: 60,
      description: 'Temperature',
      senml: senml('temp'),
      validity: checks.temperature,
    },
    o,
  );
export const airTemperature = (o?: FieldOverrides) =>
  temperature({
    description: 'Air temperature',
    sensorCommunity: sensorCommunity(SC_TEMPERATURE, 'temperature', 'Cel'),
    ...o,
  });
export const humidity = (o?: FieldOverrides) =>
  numeric(
    {
      unit: 'fraction',
      min: 0,
      max: 1,
      description: 'Relative humidity as a 0-1 fraction',
      senml: senml('rh', 'hum'),
      sensorCommunity: sensorCommunity(SC_HUMIDITY, 'humidity', '%RH'),
      validity: checks.humidity,
    },
    o,
  );
export const pressure = (o?: FieldOverrides) =>
  numeric(
    {
      unit: 'hPa',
      min: 800,
      max: 1100,
      description: 'Pressure',
      senml: senml('pres', 'press'),
      validity: checks.barometricPressure,
    },
    o,
  );
export const barometricPressure = (o?: FieldOverrides) =>
  pressure({
    description: 'Barometric pressure',
    sensorCommunity: sensorCommunity(SC_PRESSURE, 'pressure', 'Pa'),
    ...o,
  });
export const windSpeed = (o?: FieldOverrides) =>
  numeric({ unit: 'm/s', min: 0, max: 75, description: 'Wind speed', validity: checks.windSpeed }, o);
export const windDirection = (o?: FieldOverrides) =>
  numeric({ unit: 'deg', min: 0, max: 360, description: 'Wind direction, from north clockwise' }, o);
export const rainfall = (o?: FieldOverrides) =>
  numeric({ unit: 'mm/h', min: 0, max: 300, description: 'Rain intensity', validity: checks.rainfall }, o);

// Water: quality, flow and level.

export const ph = (o?: FieldOverrides) =>
  numeric({ unit: 'pH', min: 0, max: 14, description: 'pH', validity: checks.ph }, o);
const mgPerL =
  (description: string, max: number, validity: ValiditySpec = checks.analyser) =>
  (o?: FieldOverrides) =>
    numeric({ unit: 'mg/L', min: 0, max, description, validity }, o);
export const bod = mgPerL('Biochemical oxygen demand (BOD5)', 20000, checks.organicLoad);
export const cod = mgPerL('Chemical oxygen demand', 50000, checks.organicLoad);
export const tss = mgPerL('Total suspended solids', 20000);
export const nh3n = mgPerL('Ammonia (as NH3-N)', 2000);
export const oilGrease = mgPerL('Oil and grease', 5000);
export const freeChlorine = (o?: FieldOverrides) =>
  numeric(
    {
      unit: 'mg/L',
      min: 0,
      max: 10,
      description: 'Free residual chlorine',
      senml: senml('chlorine'),
      validity: checks.freeChlorine,
    },
    o,
  );
export const totalColiform = (o?: FieldOverrides) =>
  numeric(
    { unit: 'count/100mL', min: 0, max: 1e9, description: 'Total coliform', validity: checks.totalColiform },
    o,
  );
export const turbidity = (o?: FieldOverrides) =>
  numeric({ unit: 'NTU', min: 0, max: 4000, description: 'Turbidity', validity: checks.turbidity }, o);
/** Volume flow; a bidirectional meter reports reverse flow as negative (give it a negative min). */
export const flow = (o?: FieldOverrides) =>
  numeric({ unit: 'L/s', min: 0, max: 10000, description: 'Flow', validity: checks.flow }, o);
export const tankLevel = (o?: FieldOverrides) =>
  numeric(
    {
      unit: 'm',
      min: 0,
      max: 50,
      description: 'Reservoir water level',
      senml: senml('level'),
      validity: checks.tankLevel,
    },
    o,
  );
/** Water pressure in a main (gauge, bar): the pressure helper's names with a main's range and checks. */
export const gaugePressure = (o?: FieldOverrides) =>
  numeric(
    {
      ...pressure(),
      unit: 'bar',
      min: 0,
      max: 25,
      description: 'Gauge pressure',
      validity: checks.gaugePressure,
    },
    o,
  );
