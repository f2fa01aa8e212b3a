import { z } from 'zod';
import { senmlAliases } from '../../../lib/catalogue/format-names.ts';
import type { DecodeContext, Target } from '../context.ts';
import { type DecodeResult, type Reading, reject } from '../reading.ts';
import { Reasons } from '../reasons.ts';
import { senmlTimeMs } from '../timestamps.ts';
import { convertToField } from '../units.ts';
import { firstIssue, validateValues } from '../validate-values.ts';

/**
 * SenML JSON (RFC 8428, application/senml+json): a pack is an array of records. Base fields apply to
 * their record and every later one until another record sets the same base field (section 4.1).
 * Unknown fields not ending in '_' are extensions a receiver may ignore; one ending in '_' must be
 * understood, so the pack is refused (section 4.4).
 */
const RecordSchema = z.looseObject({
  bn: z.string().max(200).optional(),
  bt: z.number().optional(),
  bu: z.string().max(32).optional(),
  bv: z.number().optional(),
  bs: z.number().optional(),
  bver: z.number().int().optional(),
  n: z.string().max(200).optional(),
  u: z.string().max(32).optional(),
  v: z.number().optional(),
  vs: z.string().optional(),
  vb: z.boolean().optional(),
  vd: z.string().optional(),
  s: z.number().optional(),
  t: z.number().optional(),
  ut: z.number().optional(),
});
const PackSchema = z.array(RecordSchema).min(1);

// Section 4.5.1: resolved names use A-Z a-z 0-9 - : . / _ and start with a letter or digit. This also
// keeps line-protocol and InfluxQL specials (space, comma, '=', quotes, backslash) out of field names.
const NAME = /^[A-Za-z0-9][A-Za-z0-9:./_-]*$/;
// Section 4.4: version 10 is RFC 8428; a later version may change meanings we would misread.
const SENML_VERSION = 10;

type Rejected = Extract<DecodeResult, { ok: false }>;

/**
 * A pack -> one reading per distinct resolved time, in time order. The whole pack is accepted or
 * rejected as one message (one dead letter), like a native payload.
 *
 * The station is the topic's. A base name such as `urn:dev:depok:aq-margonda-01:` names the device
 * too, but only the topic is proven (broker ACL), so the station part of a name is ignored: a device
 * cannot write into another station's series by naming it.
 */
export function decodeSenml(json: unknown, target: Target, ctx: DecodeContext): DecodeResult {
  const pack = PackSchema.safeParse(json);
  if (!pack.success) return reject(Reasons.invalidPayload, firstIssue(pack.error.issues, 'senml'));
  const byTime = new Map<number, Record<string, number>>();
  let bn = '';
  let bt = 0;
  let bu: string | undefined;
  let bv = 0;
  for (const [i, record] of pack.data.entries()) {
    const at = `senml[${i}]`;
    const mustUnderstand = Object.keys(record).find((key) => key.endsWith('_'));
    if (mustUnderstand !== undefined) {
      return reject(
        Reasons.invalidPayload,
        `${at}: unsupported must-understand field '${mustUnderstand.slice(0, 32)}'`,
      );
    }
    if (record.bver !== undefined && record.bver > SENML_VERSION) {
      return reject(Reasons.invalidPayload, `${at}: SenML version ${record.bver} is not supported`);
    }
    bn = record.bn ?? bn;
    bt = record.bt ?? bt;
    bu = record.bu ?? bu;
    bv = record.bv ?? bv;
    const hasValue = ['v', 'vs', 'vb', 'vd', 's'].some((key) => Object.hasOwn(record, key));
    // A record carrying only base fields sets context for the records after it.
    if (!hasValue && record.n === undefined) continue;
    const parsed = recordValue(record, `${bn}${record.n ?? ''}`, at, target);
    if ('reason' in parsed) return parsed;
    const converted = convertToField(bv + parsed.v, record.u ?? bu, parsed.spec, parsed.field);
    if (!converted.ok) return reject(converted.reason, `${at}: ${converted.detail}`);
    const ts = senmlTimeMs(bt + (record.t ?? 0), ctx.now, ctx.time);
    if (typeof ts === 'string') return reject(Reasons.timestampOutOfBounds, `${at}: ${ts}`);
    let values = byTime.get(ts);
    if (!values) {
      values = {};
      byTime.set(ts, values);
    }
    // Two values of one field at one instant: no rule says which is right.
    if (Object.hasOwn(values, parsed.field)) {
      return reject(Reasons.invalidPayload, `${at}: ${parsed.field} given twice for the same time`);
    }
    values[parsed.field] = converted.value;
  }
  if (byTime.size === 0) return reject(Reasons.invalidPayload, 'senml: the pack holds no measurement');
  const readings: Reading[] = [];
  for (const ts of [...byTime.keys()].sort((a, b) => a - b)) {
    const values = validateValues(target.kind, byTime.get(ts), `senml@${new Date(ts).toISOString()}`);
    if (!values.ok) return reject(values.reason, values.detail);
    readings.push({
      kind: target.kind.id,
      station: target.station,
      ts,
      values: values.values,
      tags: target.tags,
    });
  }
  return { ok: true, readings };
}

type SenmlRecord = z.infer<typeof RecordSchema>;

/** The catalogue field a resolved name denotes and the record's numeric value, or a rejection. */
function recordValue(record: SenmlRecord, name: string, at: string, target: Target) {
  if (!NAME.test(name)) {
    return reject(
      Reasons.invalidPayload,
      `${at}: name ${JSON.stringify(name.slice(0, 64))} breaks RFC 8428 section 4.5.1`,
    ) as Rejected;
  }
  // The field is the last segment of the name: `urn:dev:depok:aq-margonda-01:pm25` -> pm25.
  const leaf = name.slice(Math.max(name.lastIndexOf(':'), name.lastIndexOf('/')) + 1).toLowerCase();
  // A field's own name first, then the names its catalogue entry gives SenML devices (`temp`, `rh`, ...).
  const fields = target.kind.fields;
  const field = Object.hasOwn(fields, leaf) ? leaf : senmlAliases(target.kind).get(leaf);
  const spec = field === undefined ? undefined : fields[field];
  if (field === undefined || spec === undefined) {
    return reject(
      Reasons.unknownField,
      `${at}: '${leaf.slice(0, 64)}' is not a field of ${target.kind.id}`,
    ) as Rejected;
  }
  // A sum ('s') beside a value is ignored: we store values, not integrals (RFC 8428 section 4.2).
  const kinds = ['v', 'vs', 'vb', 'vd'].filter((key) => Object.hasOwn(record, key));
  if (kinds.length !== 1 || record.v === undefined) {
    const why =
      kinds.length > 1
        ? 'has more than one value'
        : kinds.length === 1
          ? 'is not a number'
          : record.s !== undefined
            ? 'is only a sum (not supported)'
            : 'has no value';
    return reject(Reasons.invalidPayload, `${at}: ${field} ${why}`) as Rejected;
  }
  return { field, spec, v: record.v };
}
