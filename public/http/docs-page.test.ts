import { describe, expect, it } from 'vitest';
import { testApp } from '../test-app.ts';
import { documentOperations } from './docs-page.ts';
import { API_PREFIX, openApiDocument } from './openapi.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('the docs page lists every operation of the OpenAPI document', () => {
  it('has every path and method of the document, in both languages', async () => {
    const { app } = await testApp();
    const doc = openApiDocument();
    const pages = {
      id: (await app.inject('/open/v1/docs')).body,
      en: (await app.inject('/open/v1/docs?lang=en')).body,
    };
    // Read from the document itself, not from the page's helper: a path the helper skipped would fail.
    const expected = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${API_PREFIX}${path}`),
    );
    expect(expected).toEqual(
      expect.arrayContaining([`GET ${API_PREFIX}/measurements`, `POST ${API_PREFIX}/citizen-reports`]),
    );
    for (const page of Object.values(pages)) {
      const listed = [...page.matchAll(/<h2><code>([A-Z]+ [^<]+)<\/code><\/h2>/g)].map((m) => m[1]);
      expect(listed.sort()).toEqual([...expected].sort());
    }
    expect(documentOperations(doc)).toHaveLength(expected.length);
  });

  it('words every operation in each language, from the document', async () => {
    const { app } = await testApp();
    const id = (await app.inject('/open/v1/docs')).body;
    const en = (await app.inject('/open/v1/docs?lang=en')).body;
    for (const { op } of documentOperations()) {
      const summary = op['x-summary'];
      expect(summary?.id, JSON.stringify(op.summary)).toBeTruthy();
      expect(summary?.en).toBeTruthy();
      expect(id).toContain(asHtml(summary?.id ?? ''));
      expect(en).toContain(asHtml(summary?.en ?? ''));
    }
    expect(id).toContain('Laporan warga (pengaduan)');
    expect(id).toContain('Isi (JSON, * wajib): <code>category</code>*');
    expect(en).toContain('Body (JSON, * required): <code>category</code>*');
    expect(en).toContain(`<a href="${API_PREFIX}/citizen-reports?limit=20">`);
    expect(en).toMatch(/GET \/open\/v1\/citizen-reports\/\{code\}[\s\S]*?Answers \(HTTP codes\): 200, 404/);
    expect(id).not.toMatch(/<script/);
  });

  it('shows a new operation of the document by itself, with its English summary when it has no words', () => {
    const doc = openApiDocument();
    (doc.paths as Record<string, object>)['/new-thing'] = { get: { summary: 'Something new' } };
    const ops = documentOperations(doc);
    expect(ops.at(-1)).toMatchObject({ method: 'get', path: '/new-thing' });
  });
});

const asHtml = (text: string) => text.replaceAll("'", '&#39;').replaceAll('"', '&quot;');
