import {
  CitizenCategories,
  CitizenStatuses,
  CONTACT_MAX,
  DESCRIPTION_MAX,
} from '../../lib/records/citizen-report-rules.ts';

/**
 * The citizen reports' part of the OpenAPI document (http/citizen-routes.ts): sending a report, the
 * approved ones, a reporter's status by code, a photo. JSON only (no CSV): they are not measurements.
 * `x-summary` (both languages) and `x-example` are the docs page's (docs-page.ts).
 */
const time = { type: 'string', format: 'date-time' };
const json = (schema: object) => ({ 'application/json': { schema } });
const problem = (description: string) => ({
  description,
  content: json({ $ref: '#/components/schemas/Problem' }),
});

export const CitizenSchemas = {
  CitizenReportInput: {
    type: 'object',
    additionalProperties: false,
    required: ['category', 'description', 'lat', 'lon'],
    properties: {
      category: { type: 'string', enum: [...CitizenCategories] },
      description: { type: 'string', minLength: 1, maxLength: DESCRIPTION_MAX },
      lat: { type: 'number', description: 'inside Depok (a box with a margin of about 5 km)' },
      lon: { type: 'number' },
      contact: {
        type: ['string', 'null'],
        maxLength: CONTACT_MAX,
        description: 'never published, never logged',
      },
      photo: {
        type: ['string', 'null'],
        description: 'base64 of a JPEG, PNG, WebP, GIF or HEIF image; re-encoded as JPEG, metadata removed',
      },
    },
  },
  CitizenReportSent: {
    type: 'object',
    additionalProperties: false,
    required: ['code', 'status'],
    properties: {
      code: { type: 'string', description: 'the tracking code: the only way to follow the report' },
      status: { type: 'string', enum: [...CitizenStatuses] },
    },
  },
  CitizenReport: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'category',
      'description',
      'lat',
      'lon',
      'status',
      'public_answer',
      'photo',
      'created_at',
      'updated_at',
    ],
    properties: {
      id: { type: 'integer' },
      category: { type: 'string', enum: [...CitizenCategories] },
      description: { type: 'string' },
      lat: { type: 'number' },
      lon: { type: 'number' },
      status: { type: 'string', enum: ['approved', 'resolved'] },
      public_answer: { type: ['string', 'null'] },
      photo: { type: ['string', 'null'], description: 'the path of its photo, when it has one' },
      created_at: time,
      updated_at: time,
    },
  },
  CitizenReportStatus: {
    type: 'object',
    additionalProperties: false,
    required: ['code', 'category', 'status', 'public_answer', 'created_at', 'updated_at'],
    properties: {
      code: { type: 'string' },
      category: { type: 'string', enum: [...CitizenCategories] },
      status: { type: 'string', enum: [...CitizenStatuses] },
      public_answer: { type: ['string', 'null'] },
      created_at: time,
      updated_at: time,
    },
  },
  CitizenReportList: {
    type: 'object',
    additionalProperties: false,
    required: ['reports'],
    properties: {
      reports: { type: 'array', items: { $ref: '#/components/schemas/CitizenReport' } },
      next: { type: 'string', description: 'the cursor of the next page, absent on the last' },
    },
  },
};

const tooMany = {
  ...problem('too many reports from this address in the last hour'),
  headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' } },
};

export const citizenPaths = {
  '/citizen-reports': {
    post: {
      summary: 'Send a citizen report (pengaduan); it is shown once staff approve it',
      'x-summary': {
        id: 'Kirim laporan warga (pengaduan); tampil setelah disetujui petugas',
        en: 'Send a citizen report (pengaduan); it is shown once staff approve it',
      },
      requestBody: { required: true, content: json({ $ref: '#/components/schemas/CitizenReportInput' }) },
      responses: {
        201: { description: 'stored', content: json({ $ref: '#/components/schemas/CitizenReportSent' }) },
        400: problem('malformed JSON'),
        413: problem('the body or the photo is over its size limit'),
        415: problem('not JSON, or a photo that is not an image'),
        422: problem('a field out of bounds, or a location outside Depok'),
        429: tooMany,
      },
    },
    get: {
      summary: 'Approved and resolved citizen reports (no contact, no moderation internals)',
      'x-summary': {
        id: 'Laporan warga yang disetujui dan diselesaikan (tanpa kontak, tanpa catatan moderasi)',
        en: 'Approved and resolved citizen reports (no contact, no moderation internals)',
      },
      'x-example': '/citizen-reports?limit=20',
      parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
        { name: 'cursor', in: 'query', schema: { type: 'string' } },
      ],
      responses: {
        200: { description: 'a page', content: json({ $ref: '#/components/schemas/CitizenReportList' }) },
        400: problem('a bad limit or cursor'),
      },
    },
  },
  '/citizen-reports/{code}': {
    get: {
      summary: "A reporter's view of their report: status and public answer",
      'x-summary': {
        id: 'Laporan Anda menurut kode pelacakannya: status dan jawaban publik',
        en: "A reporter's view of their report: status and public answer",
      },
      parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        200: {
          description: 'the report',
          content: json({ $ref: '#/components/schemas/CitizenReportStatus' }),
        },
        404: problem('no report with this code'),
      },
    },
  },
  '/citizen-reports/{id}/photo': {
    get: {
      summary: "An approved report's photo, re-encoded as JPEG without metadata",
      'x-summary': {
        id: 'Foto laporan yang disetujui, disimpan ulang sebagai JPEG tanpa metadata',
        en: "An approved report's photo, re-encoded as JPEG without metadata",
      },
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      responses: {
        200: {
          description: 'the photo',
          content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
        },
        404: problem('no approved report with a photo'),
      },
    },
  },
};
