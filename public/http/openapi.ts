import { CitizenSchemas, citizenPaths } from './openapi-citizen.ts';
import { listOf, openapiParams, Params, Schemas } from './schemas.ts';

export const API_PREFIX = '/open/v1';

const json = (schema: object) => ({ 'application/json': { schema } });
const answer = (description: string, schema: object) => ({
  description,
  headers: {
    ETag: {
      schema: { type: 'string' },
      description: 'weak, from the content; send it back as If-None-Match',
    },
    'Cache-Control': { schema: { type: 'string' }, description: '`public, max-age=<ttl>`' },
  },
  content: { ...json(schema), 'text/csv': { schema: { type: 'string' } } },
});
const problem = (description: string) => ({
  description,
  content: json({ $ref: '#/components/schemas/Problem' }),
});
const COMMON = {
  304: { description: 'not modified (If-None-Match)' },
  400: problem('a malformed parameter or a range wider than allowed'),
  429: {
    ...problem('too many requests from this address (IPv6: its /64)'),
    headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' } },
  },
};
const NOT_FOUND = { 404: problem('no public station with this id (unknown and not public look the same)') };
const { format, lang, station, field, from, to, averaging, limit, cursor } = Params;

/** Each operation: its path, parameters, answer schema and an example a person can paste. */
export const OPERATIONS = [
  {
    path: '/stations',
    summary: {
      id: 'Stasiun publik: metadata, koordinat, parameter dan satuan',
      en: 'Public stations: metadata, coordinates, parameters and units',
    },
    params: [format, lang],
    schema: listOf('Station'),
    example: '/stations',
  },
  {
    path: '/stations/{id}',
    summary: { id: 'Satu stasiun publik', en: 'One public station' },
    params: [format, lang],
    pathParams: ['id'],
    schema: {
      type: 'object',
      required: ['data'],
      additionalProperties: false,
      properties: { data: { $ref: '#/components/schemas/Station' } },
    },
    notFound: true,
    example: '/stations/aq-margonda-01',
  },
  {
    path: '/latest',
    summary: {
      id: 'Nilai terakhir setiap stasiun dengan satuan, kode validitas, status data dan status peta',
      en: "Every station's latest values with unit, validity code, data state and map status",
    },
    params: [format, lang],
    schema: listOf('Latest'),
    example: '/latest',
  },
  {
    path: '/ispu/latest',
    summary: {
      id: 'ISPU per jam terakhir setiap stasiun udara',
      en: "Each air station's latest hourly ISPU",
    },
    params: [format, lang],
    schema: listOf('Ispu'),
    example: '/ispu/latest',
  },
  {
    path: '/ispu/history',
    summary: {
      id: 'Riwayat ISPU per jam satu stasiun (paling lama 31 hari)',
      en: "One station's hourly ISPU history (at most 31 days)",
    },
    params: [station, from, to, format, lang],
    schema: listOf('Ispu'),
    notFound: true,
    example: '/ispu/history?station=aq-margonda-01',
  },
  {
    path: '/measurements',
    summary: {
      id: 'Pengukuran mentah atau rata-rata jam/hari dengan capture %, validitas dan status data',
      en: 'Raw measurements or hourly/daily means with capture %, validity and data state',
    },
    params: [station, field, from, to, averaging, limit, cursor, format, lang],
    schema: listOf('Measurement', true),
    notFound: true,
    example: '/measurements?station=aq-margonda-01&field=pm25&averaging=hour',
  },
] as const;

/** The OpenAPI 3.1 document, built once from the schemas above (served at /open/v1/openapi.json). */
export function openApiDocument() {
  const paths: Record<string, object> = {};
  for (const op of OPERATIONS) {
    const pathParams =
      'pathParams' in op
        ? op.pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }))
        : [];
    paths[op.path] = {
      get: {
        summary: op.summary.en,
        description: op.summary.id,
        // The docs page's words (docs-page.ts): the summary in each language, and a request to paste.
        'x-summary': op.summary,
        'x-example': op.example,
        parameters: [...pathParams, ...openapiParams(op.params)],
        responses: {
          200: answer('the rows (CSV: the same rows, one per line)', op.schema),
          ...COMMON,
          ...('notFound' in op && NOT_FOUND),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Depok Smart Environment open data',
      version: '1.0.0',
      description:
        'Readings of the public monitoring stations of DLHK Depok: air quality (ISPU), wastewater outfalls and the water network. Open data in the sense of Satu Data Indonesia (Perpres 39/2019): machine-readable, with metadata. Values are provisional until validated.',
      license: {
        name: 'Open data: free to use with attribution to DLHK Kota Depok',
        identifier: 'CC-BY-4.0',
      },
    },
    servers: [{ url: API_PREFIX }],
    paths: { ...paths, ...citizenPaths },
    components: { schemas: { ...Schemas, ...CitizenSchemas } },
  };
}
