import type { FastifyRequest } from 'fastify';
import { type Language, type Translator, translator } from '../../lib/i18n/index.ts';
import { API_PREFIX, openApiDocument } from './openapi.ts';
import { requestLanguage } from './problem.ts';

const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** The parts of an OpenAPI operation the page shows; `x-summary` / `x-example` are our extensions. */
type Operation = {
  summary?: string;
  'x-summary'?: Partial<Record<Language, string>>;
  'x-example'?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  responses?: Record<string, unknown>;
};
type Schema = { required?: readonly string[]; properties?: Record<string, unknown> };
type Document = ReturnType<typeof openApiDocument>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the document in its order: a new path or method appears on the page by itself. */
export function documentOperations(doc: Document = openApiDocument()) {
  return Object.entries(doc.paths as Record<string, Partial<Record<string, Operation>>>).flatMap(
    ([path, item]) =>
      METHODS.flatMap((method) => {
        const op = item[method];
        return op ? [{ method, path, op }] : [];
      }),
  );
}

const starred = (name: string, required: boolean | undefined) =>
  `<code>${html(name)}</code>${required ? '*' : ''}`;

/** A JSON body's fields, from the schema the request body refers to. */
function bodyFields(doc: Document, op: Operation): string | undefined {
  const ref = op.requestBody?.content?.['application/json']?.schema?.$ref;
  const name = ref?.replace('#/components/schemas/', '');
  const schema = name ? ((doc.components.schemas as Record<string, Schema>)[name] ?? undefined) : undefined;
  if (!schema?.properties) return undefined;
  const required = new Set(schema.required ?? []);
  return Object.keys(schema.properties)
    .map((p) => starred(p, required.has(p)))
    .join(', ');
}

function operationHtml(
  t: Translator,
  lang: Language,
  doc: Document,
  item: ReturnType<typeof documentOperations>[number],
) {
  const { method, path, op } = item;
  const summary = op['x-summary']?.[lang] ?? op.summary ?? '';
  const params = (op.parameters ?? [])
    .filter((p) => p.name !== 'lang')
    .map((p) => starred(p.name, p.required))
    .join(', ');
  const body = bodyFields(doc, op);
  const codes = Object.keys(op.responses ?? {}).join(', ');
  const lines = [
    `<h2><code>${method.toUpperCase()} ${API_PREFIX}${html(path)}</code></h2>`,
    `<p>${html(summary)}</p>`,
  ];
  if (params) lines.push(`<p>${html(t.t('open.docs.params'))}: ${params}</p>`);
  if (body) lines.push(`<p>${html(t.t('open.docs.body'))}: ${body}</p>`);
  if (codes) lines.push(`<p>${html(t.t('open.docs.responses'))}: ${html(codes)}</p>`);
  const example = op['x-example'] && method === 'get' ? `${API_PREFIX}${op['x-example']}` : undefined;
  if (example)
    lines.push(
      `<p>${html(t.t('open.docs.example'))}: <a href="${html(example)}"><code>${html(example)}</code></a></p>`,
    );
  return `<li data-path="${html(path)}" data-method="${method}">${lines.join('\n')}</li>`;
}

/**
 * `/open/v1/docs`: every operation of the OpenAPI document (`openapi.ts`, with the citizen reports'
 * `openapi-citizen.ts`), generated from it: method and path, summary, parameters, JSON body fields,
 * answer codes and an example, in the reader's language (`?lang=`, Accept-Language; Indonesian by
 * default) with a link to the other. Plain HTML: no script, no style sheet from elsewhere; the OpenAPI
 * document is the reference.
 */
export function docsPage(req: FastifyRequest): string {
  const lang = requestLanguage(req);
  let page = pages.get(lang);
  if (!page) {
    page = renderDocs(lang);
    pages.set(lang, page);
  }
  return page;
}

/** Rendered once per language: the document changes only with a release. */
const pages = new Map<Language, string>();

function renderDocs(lang: Language): string {
  const t = translator(lang);
  const other = lang === 'id' ? 'en' : 'id';
  const doc = openApiDocument();
  const items = documentOperations(doc)
    .map((item) => operationHtml(t, lang, doc, item))
    .join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(t.t('open.docs.title'))}</title></head>
<body>
<h1>${html(t.t('open.docs.title'))}</h1>
<p><a href="?lang=${other}" hreflang="${other}">${html(lang === 'id' ? t.t('open.docs.switch_en') : t.t('open.docs.switch_id'))}</a></p>
<p>${html(t.t('open.docs.intro'))}</p>
<p>${html(t.t('open.docs.citizen'))}</p>
<p>${html(t.t('open.docs.formats'))}</p>
<p>${html(t.t('open.docs.limits'))}</p>
<p>${html(t.t('open.docs.licence'))}</p>
<p><a href="${API_PREFIX}/openapi.json">OpenAPI 3 (openapi.json)</a></p>
<ul>
${items}
</ul>
</body>
</html>
`;
}
