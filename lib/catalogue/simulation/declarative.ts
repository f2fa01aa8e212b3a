import { z } from 'zod';
import { clamp, gaussian, round } from '../../random.ts';
import { type KindModel, localHour, type Profile, peak } from './model.ts';
import { recentRain } from './weather.ts';

/**
 * A profile as data, for kinds that need no code: each field is a base value plus daily bumps, a
 * response to recent rain, scenario drivers and noise. See ../README.md ("Adding a kind").
 */
const FieldModelSchema = z.strictObject({
  base: z.number(),
  /** Scales base and bumps by the station's intensity trait. */
  perIntensity: z.boolean().default(false),
  daily: z
    .array(
      z.strictObject({
        hour: z.number().min(0).max(24),
        amplitude: z.number(),
        width: z.number().positive(),
      }),
    )
    .default([]),
  /** Added per mm of recent rain (3 h e-folding, city weather). */
  rain: z.number().default(0),
  /** Driver name -> amount added per unit of the driver. */
  drivers: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.number()).default({}),
  /** Standard deviation of additive noise. */
  noise: z.number().min(0).default(0),
  min: z.number(),
  max: z.number(),
  digits: z.number().int().min(0).max(6).default(2),
});

export const DeclarativeProfileSchema = z.strictObject({
  kind: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  description: z.string().optional(),
  fields: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), FieldModelSchema),
});

export function declarativeModel(input: unknown): KindModel {
  const spec = DeclarativeProfileSchema.parse(input);
  const fields = Object.entries(spec.fields);
  const profile: Profile = (station, ts, random, model) => {
    const hour = localHour(ts);
    const wet = fields.some(([, f]) => f.rain !== 0) ? recentRain(ts, model?.seed ?? 1) : 0;
    const values: Record<string, number> = {};
    for (const [name, f] of fields) {
      let v = f.base;
      for (const bump of f.daily) v += bump.amplitude * peak(hour, bump.hour, bump.width);
      if (f.perIntensity) v *= station.intensity;
      v += f.rain * wet;
      for (const [d, k] of Object.entries(f.drivers)) v += k * (model?.drivers?.[d] ?? 0);
      v += f.noise * gaussian(random);
      values[name] = round(clamp(v, f.min, f.max), f.digits);
    }
    return values;
  };
  const drivers = [...new Set(fields.flatMap(([, f]) => Object.keys(f.drivers)))];
  return { profile, drivers };
}
