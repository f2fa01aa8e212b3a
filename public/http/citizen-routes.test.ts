import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/log.ts';
import { openRecords, type Records } from '../../lib/records/database.ts';
import { testApp } from '../test-app.ts';
import { citizenRoutes } from './citizen-routes.ts';
import { openApiDocument } from './openapi.ts';

const T0 = Date.parse('2026-12-01T09:00:00+07:00');
const log = silentLogger();
const report = (over: Record<string, unknown> = {}) => ({
  category: 'illegal_dumping',
  description: 'Sampah dibuang di tepi Kali Ciliwung',
  lat: -6.3912,
  lon: 106.8301,
  contact: 'warga@example.id',
  ...over,
});
const json = { 'content-type': 'application/json' };

async function jpegWithGps(width = 2400, height = 1200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3a7' } })
    .jpeg()
    .withExif({
      IFD0: { Artist: 'Rahasia Pelapor', Copyright: 'Rahasia Pelapor' },
      IFD3: {
        GPSLatitudeRef: 'S',
        GPSLatitude: '6/1 23/1 28/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '106/1 49/1 48/1',
      },
    })
    .toBuffer();
}

describe('public citizen report routes (issue 17)', () => {
  let records: Records;
  let app: FastifyInstance;
  let now: number;
  const count = () =>
    (records.db.prepare('SELECT count(*) AS n FROM citizen_reports').get() as { n: number }).n;
  const photos = () =>
    (records.db.prepare('SELECT count(*) AS n FROM citizen_report_photos').get() as { n: number }).n;
  const post = (body: unknown, headers: Record<string, string> = json, ip = '198.51.100.1') =>
    app.inject({
      method: 'POST',
      url: '/open/v1/citizen-reports',
      headers,
      payload: typeof body === 'string' ? body : JSON.stringify(body),
      remoteAddress: ip,
    });

  beforeEach(async () => {
    records = openRecords(':memory:');
    now = T0;
    app = Fastify();
    await citizenRoutes({ perHour: 3, photoMaxBytes: 3 * 1024 * 1024 })(app, {
      records,
      log,
      now: () => now,
    });
  });
  afterEach(async () => {
    await app.close();
    records.close();
  });

  it('stores a report and answers 201 with its tracking code; the reporter sees its status', async () => {
    const res = await post(report());
    expect(res.statusCode).toBe(201);
    const { code } = res.json();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    const status = await app.inject(`/open/v1/citizen-reports/${code.toLowerCase()}`);
    expect(status.json()).toMatchObject({
      code,
      status: 'new',
      public_answer: null,
      category: 'illegal_dumping',
    });
    expect(status.body).not.toContain('warga@example.id');
    expect((await app.inject('/open/v1/citizen-reports/ZZZZZZZZZZ')).statusCode).toBe(404);
  });

  it('re-encodes the photo to a JPEG of at most 1600 px with no EXIF (no GPS), served once approved', async () => {
    const original = await jpegWithGps();
    expect(original.includes('Rahasia Pelapor')).toBe(true);
    const res = await post(report({ photo: `data:image/jpeg;base64,${original.toString('base64')}` }));
    expect(res.statusCode).toBe(201);
    const stored = records.citizenReports.byCode(res.json().code);
    expect(stored?.has_photo).toBe(true);
    const id = stored?.id as number;
    expect((await app.inject(`/open/v1/citizen-reports/${id}/photo`)).statusCode).toBe(404); // not approved yet
    records.citizenReports.moderate(id, { action: 'approved', actor: 'ops' });
    const photo = await app.inject(`/open/v1/citizen-reports/${id}/photo`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(photo.rawPayload).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 1600, height: 800 });
    expect(meta.exif).toBeUndefined();
    expect(photo.rawPayload.includes('Rahasia Pelapor')).toBe(false);
  });

  it('takes a PNG too (decoded by its bytes, whatever it is called)', async () => {
    const png = await sharp({ create: { width: 20, height: 10, channels: 4, background: '#f00a' } })
      .png()
      .toBuffer();
    const res = await post(report({ photo: png.toString('base64') }));
    expect(res.statusCode).toBe(201);
    const id = records.citizenReports.byCode(res.json().code)?.id as number;
    expect(records.citizenReports.photo(id)).toMatchObject({ width: 20, height: 10 });
  });

  // Each refusal: its status, a problem+json with the catalogue key, and nothing stored.
  const refusals: [
    string,
    () => Promise<{ body: unknown; headers?: Record<string, string> }>,
    number,
    string,
  ][] = [
    [
      'malformed JSON',
      async () => ({ body: '{"category": "smell", "description": ' }),
      400,
      'citizen.error.malformed',
    ],
    [
      'not JSON',
      async () => ({ body: 'a=b', headers: { 'content-type': 'text/plain' } }),
      415,
      'citizen.error.json_only',
    ],
    [
      'an oversized photo (over 3 MB decoded)',
      async () => ({ body: report({ photo: Buffer.alloc(3 * 1024 * 1024 + 10, 7).toString('base64') }) }),
      413,
      'citizen.error.photo_too_large',
    ],
    [
      'a body over the limit',
      async () => ({ body: report({ photo: 'A'.repeat(5 * 1024 * 1024) }) }),
      413,
      'citizen.error.too_large',
    ],
    [
      'a file that is not an image (a PDF named .jpg)',
      async () => ({
        body: report({
          photo: `data:image/jpeg;base64,${Buffer.from('%PDF-1.4 not a photo').toString('base64')}`,
        }),
      }),
      415,
      'citizen.error.not_an_image',
    ],
    [
      'an SVG (markup, not a photo)',
      async () => ({
        body: report({
          photo: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><script>alert(1)</script></svg>',
          ).toString('base64'),
        }),
      }),
      415,
      'citizen.error.not_an_image',
    ],
    [
      'a photo that is not base64',
      async () => ({ body: report({ photo: '!!!!' }) }),
      415,
      'citizen.error.not_an_image',
    ],
    [
      'coordinates far outside Depok',
      async () => ({ body: report({ lat: 40.7, lon: -74 }) }),
      422,
      'citizen.error.outside_depok',
    ],
    [
      'coordinates in central Jakarta',
      async () => ({ body: report({ lat: -6.1754, lon: 106.8272 }) }),
      422,
      'citizen.error.outside_depok',
    ],
    [
      'an unknown category',
      async () => ({ body: report({ category: 'noise' }) }),
      422,
      'citizen.error.category',
    ],
    [
      'an empty description',
      async () => ({ body: report({ description: '  ' }) }),
      422,
      'citizen.error.description',
    ],
    ['a missing location', async () => ({ body: report({ lat: undefined }) }), 422, 'citizen.error.location'],
    [
      'an unknown field',
      async () => ({ body: report({ status: 'approved' }) }),
      422,
      'citizen.error.malformed',
    ],
  ];
  for (const [name, make, status, code] of refusals)
    it(`refuses ${name} with ${status} and stores nothing`, async () => {
      const { body, headers } = await make();
      const res = await post(body, headers ?? json);
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status, code });
      expect(res.json().error).toEqual(expect.any(String));
      expect(count()).toBe(0);
      expect(photos()).toBe(0);
    });

  it('words a refusal in English on ?lang=en or Accept-Language, Indonesian by default', async () => {
    const far = report({ lat: 40.7, lon: -74 });
    expect((await post(far)).json().error).toBe('Lokasi berada di luar Kota Depok.');
    expect((await post(far, { ...json, 'accept-language': 'en-GB,en;q=0.9' })).json().error).toBe(
      'The location is outside Kota Depok.',
    );
    const res = await app.inject({
      method: 'POST',
      url: '/open/v1/citizen-reports?lang=en',
      headers: json,
      payload: JSON.stringify(far),
    });
    expect(res.json().error).toBe('The location is outside Kota Depok.');
  });

  it('limits reports per address per hour: 429 with Retry-After, other addresses unaffected, and again after the hour', async () => {
    for (let i = 0; i < 3; i++) {
      now = T0 + i * 60_000;
      expect((await post(report())).statusCode).toBe(201);
    }
    now = T0 + 10 * 60_000;
    const refused = await post(report());
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe(String(50 * 60));
    expect(refused.json()).toMatchObject({ code: 'citizen.error.rate_limited', params: { minutes: 50 } });
    expect((await post(report(), json, '198.51.100.2')).statusCode).toBe(201);
    expect(count()).toBe(4);
    now = T0 + 60 * 60_000 + 1;
    expect((await post(report())).statusCode).toBe(201);
  });

  it('answers as the OpenAPI document says: sent, listed, followed, refused', async () => {
    const doc = openApiDocument();
    const ajv = new Ajv2020({ strict: false });
    (addFormatsModule as unknown as { default: (a: Ajv2020) => void }).default(ajv);
    ajv.addSchema({ $id: 'openapi', components: doc.components });
    const valid = (name: string, body: unknown) => {
      const check = ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
      return check(body) || JSON.stringify(check.errors);
    };
    const sent = await post(report({ photo: (await jpegWithGps(400, 300)).toString('base64') }));
    expect(valid('CitizenReportSent', sent.json())).toBe(true);
    expect(valid('CitizenReportInput', report())).toBe(true);
    const code = sent.json().code as string;
    expect(valid('CitizenReportStatus', (await app.inject(`/open/v1/citizen-reports/${code}`)).json())).toBe(
      true,
    );
    const id = records.citizenReports.byCode(code)?.id as number;
    records.citizenReports.moderate(id, { action: 'approved', actor: 'ops' });
    const listed = (await app.inject('/open/v1/citizen-reports')).json();
    expect(listed.reports).toHaveLength(1);
    expect(valid('CitizenReportList', listed)).toBe(true);
    expect(valid('Problem', (await post('{"category":')).json())).toBe(true);
    // Every route of this plugin is in the document.
    for (const path of ['/citizen-reports', '/citizen-reports/{code}', '/citizen-reports/{id}/photo'])
      expect(Object.keys(doc.paths)).toContain(path);
  });

  it('lists approved and resolved reports only, without contact, sender or moderation internals', async () => {
    const codes: string[] = [];
    for (const description of ['baru', 'diterima', 'ditolak', 'selesai <script>alert(1)</script>'])
      codes.push((await post(report({ description }), json, `198.51.100.${codes.length + 10}`)).json().code);
    const id = (i: number) => records.citizenReports.byCode(codes[i] as string)?.id as number;
    records.citizenReports.moderate(id(1), { action: 'approved', actor: 'ops' });
    records.citizenReports.moderate(id(2), { action: 'rejected', actor: 'ops', note: 'spam internal-note' });
    records.citizenReports.moderate(id(3), { action: 'approved', actor: 'ops' });
    records.citizenReports.moderate(id(3), {
      action: 'resolved',
      actor: 'ops',
      publicAnswer: 'Sudah diangkut',
    });
    const res = await app.inject('/open/v1/citizen-reports');
    expect(res.statusCode).toBe(200);
    const { reports } = res.json();
    expect(reports.map((r: { description: string }) => r.description)).toEqual([
      'selesai <script>alert(1)</script>',
      'diterima',
    ]);
    expect(reports[0]).toMatchObject({ status: 'resolved', public_answer: 'Sudah diangkut', photo: null });
    expect(Object.keys(reports[0]).sort()).toEqual(
      [
        'category',
        'created_at',
        'description',
        'id',
        'lat',
        'lon',
        'photo',
        'public_answer',
        'status',
        'updated_at',
      ].sort(),
    );
    for (const secret of ['warga@example.id', 'internal-note', 'ops', 'address_hash', 'code'])
      expect(res.body).not.toContain(secret);
    const rejected = await app.inject(`/open/v1/citizen-reports/${codes[2]}`);
    expect(rejected.json()).toMatchObject({ status: 'rejected', public_answer: null });
    expect(rejected.body).not.toContain('internal-note');
    const page = await app.inject('/open/v1/citizen-reports?limit=1');
    expect(page.json().reports).toHaveLength(1);
    const next = await app.inject(`/open/v1/citizen-reports?limit=1&cursor=${page.json().next}`);
    expect(next.json().reports[0].description).toBe('diterima');
    expect((await app.inject('/open/v1/citizen-reports?limit=100000')).statusCode).toBe(400);
  });
});

describe('citizen routes in the public app', () => {
  it('are registered by buildPublicApp, with its security headers; without a records database only an empty list', async () => {
    const records = openRecords(':memory:');
    const { app } = await testApp({ records });
    try {
      const sent = await app.inject({
        method: 'POST',
        url: '/open/v1/citizen-reports',
        headers: json,
        payload: JSON.stringify(report()),
      });
      expect(sent.statusCode).toBe(201);
      const list = await app.inject('/open/v1/citizen-reports');
      expect(list.json()).toEqual({ reports: [] });
      expect(list.headers['content-security-policy']).toContain("script-src 'self'");
      expect(list.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await app.close();
      records.close();
    }
    const { app: bare } = await testApp();
    expect((await bare.inject('/open/v1/citizen-reports')).json()).toEqual({ reports: [] });
    const refused = await bare.inject({
      method: 'POST',
      url: '/open/v1/citizen-reports',
      headers: json,
      payload: '{}',
    });
    expect(refused.statusCode).toBe(404);
    await bare.close();
  });
});
