import type { ValiditySpec } from './spec.ts';

/**
 * The automatic validity checks each field helper (fields.ts) starts with, and why (codes 11-18,
 * lib/validity/codes.ts). A kind overrides keys per field: `temperature({ validity: { ... } })`.
 * Rates are per minute and meant for the catalogue's reporting intervals (1 to 5 min). A check that a
 * quantity's real behaviour would trip (rain stops and starts, a pipe bursts, an industry dumps acid)
 * is left off: those are the events the alert rules exist for, and a flag must not hide them.
 */

/** A concentration stuck for 30 readings (half an hour at a 1-minute interval) is suspect. */
const STUCK_READINGS = 30;

/** The national ambient standard: plausibility ceilings of air pollutants are multiples of its limits. */
const PP22 = 'id-ID-pp22-2021-ambient-air';
const ofLimit = (averaging: string, factor: number) => ({ standard: PP22, averaging, factor });

/**
 * Particulates. 0 is possible (an optical counter at its floor in rain-washed air), so nothing above the
 * range's 0 is impossible; an optical counter saturates at the top of its range (SDS011 reports 999.9).
 * Spikes: insects and droplets in the optical chamber give single readings several times the level
 * around them; the factor 3 keeps a busy street's ordinary swings (a third up or down) valid.
 */
const particulate = {
  saturatesAt: 'max',
  flatLineCount: STUCK_READINGS,
  spikePerMinute: 5,
  spikeFactor: 3,
} as const satisfies ValiditySpec;

/**
 * Gases: analysers saturate at the top of their range; 0 is possible for most (ozone is titrated away by
 * traffic NO at night, SO2 sits below detection), so only CO says otherwise. Ceilings are multiples of
 * the 1 h limit (hydrocarbons: 3 h), far above what a Depok street produces. Spikes as for particulates:
 * a real plume raises the gases more slowly than a faulty cell jumps.
 */
const gas = {
  saturatesAt: 'max',
  flatLineCount: STUCK_READINGS,
  spikeFactor: 3,
} as const satisfies ValiditySpec;

/** Online water analysers saturate at the top of their range; a logger repeating a lab value is a flat line. */
const analyser = { saturatesAt: 'max', flatLineCount: STUCK_READINGS } as const satisfies ValiditySpec;

export const validityDefaults = {
  // Ten times the 24 h limit (550 ug/m3): Jakarta-area hourly PM2.5 peaks in the low hundreds even in
  // haze; fire-haze readings above 1,000 were taken beside the peatlands, not on Java.
  pm25: { ...particulate, plausibleMaxFactorOfLimit: ofLimit('24h', 10) },
  // Twenty times the 24 h limit (1,500 ug/m3): hourly PM10 that high takes a dust storm or a
  // construction site against the inlet.
  pm10: { ...particulate, plausibleMaxFactorOfLimit: ofLimit('24h', 20) },
  no2: { ...gas, plausibleMaxFactorOfLimit: ofLimit('1h', 10), spikePerMinute: 10 },
  so2: { ...gas, plausibleMaxFactorOfLimit: ofLimit('1h', 10), spikePerMinute: 10 },
  // CO never reaches 0 in air: the global background alone is ~0.1 ppm (over 100 ug/m3), so an analyser
  // at 0 has lost its zero. Ceiling 5 x 10,000 ug/m3 (~44 ppm), well above the worst roadside hours.
  co: { ...gas, impossibleAtOrBelow: 0, plausibleMaxFactorOfLimit: ofLimit('1h', 5), spikePerMinute: 500 },
  // A UV photometer reads its floor (~1 ppb, 2 ug/m3) for hours at night: no stuck cell. NO in a passing
  // plume titrates ozone by several ppb a minute; 20 ug/m3 (~10 ppb) a minute is beyond it.
  o3: {
    ...gas,
    plausibleMaxFactorOfLimit: ofLimit('1h', 5),
    spikePerMinute: 20,
    flatLineExceptAtOrBelow: 2,
  },
  hc: { ...gas, plausibleMaxFactorOfLimit: ofLimit('3h', 10), spikePerMinute: 20 },
  // A thermistor open or shorted reads an end of its range; an hour of identical tenths is a frozen
  // sensor (cheap ones repeat their last value); no air or water changes 3 degC within a minute (a
  // storm's cold front takes ten).
  temperature: { saturatesAt: 'both', flatLineCount: 60, spikePerMinute: 3 },
  // Air always holds some water vapour: 0 is a dead sensor. Saturated air is real and lasts whole
  // wet-season nights, read as 99-100 % (sensors cap there): neither a span fault nor a flat line.
  humidity: { impossibleAtOrBelow: 0, flatLineCount: 60, flatLineExceptAtOrAbove: 0.99, spikePerMinute: 0.2 },
  // The range ends are faults; tropical air pressure moves ~1 hPa in three hours (the atmosphere's
  // tides), so tenths can hold for an hour but not two, and a squall's jump of a few hPa takes minutes.
  barometricPressure: { saturatesAt: 'both', flatLineCount: 120, spikePerMinute: 2 },
  // Calm air (0) lasts for hours; gusts are real, so no spike check.
  windSpeed: { saturatesAt: 'max', flatLineCount: 60, flatLineExceptAtOrBelow: 0 },
  // Wind direction has none: a vane holds its direction through a calm, 0 and 360 are one direction
  // (no span end) and 359 -> 1 is a 2 degree turn, not a jump.
  // Rain starts and stops at once and a dry spell is 0 for days: only the gauge's top is a fault.
  rainfall: { saturatesAt: 'max' },
  // Water quality has no spike checks: a sudden change at an outfall (an acid dump, a plant failing) or
  // in a main (a burst stirring up sediment) is the event, not a fault.
  // No real water has pH 0 (an electrode at 0 is broken or dry); 14 is the electrode's end. Hundredths can
  // hold for an hour in a stable water: two hours of them is a frozen transmitter.
  ph: { impossibleAtOrBelow: 0, saturatesAt: 'max', flatLineCount: 120 },
  // Any wastewater carries organic matter: BOD or COD at 0 is an analyser that is off or fouled.
  organicLoad: { ...analyser, impossibleAtOrBelow: 0 },
  // Ammonia, solids and oil: 0 is possible (a good effluent is below detection).
  analyser,
  // 0 is the alarm itself (the chlorine demand ate the residual): it must stay valid for the rules.
  freeChlorine: { saturatesAt: 'max', flatLineCount: 60 },
  // Counts span nine decades (raw sewage reaches 10^8): no ceiling, the range's top is the only fault.
  totalColiform: analyser,
  // Clean water reads a turbidimeter's floor (0.05 NTU or less) for hours; the range's top is a blinded sensor.
  turbidity: { saturatesAt: 'max', flatLineCount: 60, flatLineExceptAtOrBelow: 0.05 },
  // A stopped flow is 0 for hours (a meter's low-flow cut-off reads exactly 0) and pumps start at once.
  // (On a bidirectional meter this also leaves reverse flow out of the flat-line check.)
  flow: { saturatesAt: 'max', flatLineCount: 60, flatLineExceptAtOrBelow: 0 },
  // A reservoir neither fills nor empties half a metre a minute: faster is an ultrasonic echo off foam
  // or a bird. Empty (0) is possible; the range's top is the sensor's dead zone. The level turns slowly
  // at the top and bottom of its daily cycle, so only two hours of identical centimetres are a flat line.
  tankLevel: { saturatesAt: 'max', flatLineCount: 120, spikePerMinute: 0.5 },
  // Water pressure in a main: 0 is an outage, a state the rules must see, and a burst drops pressure
  // within seconds: no impossible value, no spike check; the gauge's top is a fault. An empty main reads
  // the transmitter's zero offset (up to ~0.1 bar) for as long as the outage lasts: no flat line.
  gaugePressure: { saturatesAt: 'max', flatLineCount: 120, flatLineExceptAtOrBelow: 0.1 },
} satisfies Record<string, ValiditySpec>;
