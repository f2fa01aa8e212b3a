import { Averagings, MAX_SPAN_DAYS } from '../core/measurements.ts';
import { STATUSES } from '../core/status.ts';

/**
 * The open-data API's JSON schemas, in one place: the OpenAPI document (openapi.ts) publishes them,
 * the routes validate their query strings with them, and the tests validate every answer against them.
 */
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
const state = { type: 'string', enum: ['provisional', 'validated', 'invalid'] };
const time = { type: 'string', format: 'date-time' };

export const Schemas = {
  Problem: {
    type: 'object',
    required: ['status', 'code', 'error'],
    properties: {
      status: { type: 'integer' },
      code: { type: 'string', description: 'stable catalogue key' },
      error: { type: 'string', description: "message in the request's language" },
      params: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    },
  },
  Station: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'name', 'kind', 'district', 'operator', 'lat', 'lon', 'parameters'],
    properties: {
      id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
      name: { type: 'string' },
      kind: { type: 'string', enum: ['air_quality', 'wastewater', 'water_network'] },
      district: nullable({ type: 'string' }),
      operator: nullable({ type: 'string' }),
      lat: nullable({ type: 'number', minimum: -90, maximum: 90 }),
      lon: nullable({ type: 'number', minimum: -180, maximum: 180 }),
      parameters: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['field', 'unit', 'label'],
          properties: {
            field: { type: 'string' },
            unit: { type: 'string' },
            label: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'en'],
              properties: { id: { type: 'string' }, en: { type: 'string' } },
            },
          },
        },
      },
    },
  },
  Latest: {
    type: 'object',
    additionalProperties: false,
    required: ['station', 'kind', 'time', 'status', 'field', 'value', 'unit', 'validity', 'state'],
    properties: {
      station: { type: 'string' },
      kind: { type: 'string' },
      time: nullable(time),
      status: { type: 'string', enum: STATUSES },
      field: nullable({ type: 'string' }),
      value: nullable({ type: 'number' }),
      unit: nullable({ type: 'string' }),
      validity: nullable({ type: 'integer' }),
      state: nullable(state),
    },
  },
  Ispu: {
    type: 'object',
    additionalProperties: false,
    required: ['station', 'time', 'ispu', 'category', 'dominant', 'sub_indices'],
    properties: {
      station: { type: 'string' },
      time: time,
      ispu: { type: 'number', minimum: 0 },
      category: { type: 'string', enum: STATUSES.slice(1, 6) },
      dominant: { type: 'string' },
      sub_indices: { type: 'object', additionalProperties: { type: 'number' } },
    },
  },
  Measurement: {
    type: 'object',
    additionalProperties: false,
    required: ['station', 'field', 'time', 'value', 'unit', 'averaging', 'capture', 'validity', 'state'],
    properties: {
      station: { type: 'string' },
      field: { type: 'string' },
      time: time,
      value: nullable({ type: 'number' }),
      unit: { type: 'string' },
      averaging: { type: 'string', enum: Averagings },
      capture: nullable({ type: 'number', minimum: 0, maximum: 100 }),
      validity: nullable({ type: 'integer' }),
      state,
    },
  },
} as const;

/** A `{ data: [...] }` answer (with `next` when paged). */
export const listOf = (item: keyof typeof Schemas, paged = false) => ({
  type: 'object',
  additionalProperties: false,
  required: ['data', ...(paged ? ['next'] : [])],
  properties: {
    data: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
    ...(paged && { next: nullable({ type: 'string' }) }),
  },
});

/** Query parameters, as OpenAPI parameters; `querySchema()` makes fastify's validation of the same. */
const TIME_PATTERN =
  '^(\\d{1,15}|\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?)?(Z|[+-]\\d{2}:?\\d{2})?)$';
export const Params = {
  format: {
    name: 'format',
    schema: { type: 'string', enum: ['json', 'csv'] },
    description: 'or `Accept: text/csv`',
  },
  lang: {
    name: 'lang',
    schema: { type: 'string', enum: ['id', 'en'] },
    description: 'language of error messages',
  },
  station: { name: 'station', required: true, schema: { type: 'string', maxLength: 64 } },
  field: { name: 'field', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' } },
  from: {
    name: 'from',
    schema: { type: 'string', pattern: TIME_PATTERN },
    description: 'ISO 8601 (without a zone: WIB) or epoch ms; default: `to` minus 24 h',
  },
  to: {
    name: 'to',
    schema: { type: 'string', pattern: TIME_PATTERN },
    description: 'exclusive; default now',
  },
  averaging: {
    name: 'averaging',
    schema: { type: 'string', enum: Averagings, default: 'raw' },
    description: `hour and day means follow the 75 % rule; widest range: ${Averagings.map((a) => `${a} ${MAX_SPAN_DAYS[a]} days`).join(', ')}`,
  },
  limit: { name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 5000, default: 1000 } },
  cursor: {
    name: 'cursor',
    schema: { type: 'string', maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' },
    description: 'from `next`',
  },
} as const;

type Param = (typeof Params)[keyof typeof Params];

export function querySchema(params: readonly Param[]) {
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.filter((p) => 'required' in p && p.required).map((p) => p.name),
  };
}

export const openapiParams = (params: readonly Param[]) =>
  params.map((p) => ({ in: 'query', required: 'required' in p && p.required === true, ...p }));
