import type { FastifyRequest } from 'fastify';
import { translator } from '../../lib/i18n/index.ts';
import { API_PREFIX, OPERATIONS } from './openapi.ts';
import { requestLanguage } from './problem.ts';

const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/**
 * `/open/v1/docs`: the endpoints with their parameters and an example each, in the reader's language
 * (`?lang=`, Accept-Language; Indonesian by default) with a link to the other. Plain HTML: no script,
 * no style sheet from elsewhere; the OpenAPI document is the reference.
 */
export function docsPage(req: FastifyRequest): string {
  const lang = requestLanguage(req);
  const t = translator(lang);
  const other = lang === 'id' ? 'en' : 'id';
  const items = OPERATIONS.map((op) => {
    const params = op.params
      .filter((p) => p.name !== 'lang')
      .map((p) => `<code>${p.name}</code>${'required' in p && p.required ? '*' : ''}`)
      .join(', ');
    const example = `${API_PREFIX}${op.example}`;
    return `<li><h2><code>GET ${API_PREFIX}${html(op.path)}</code></h2>
<p>${html(op.summary[lang])}</p>
<p>${html(t.t('open.docs.params'))}: ${params}</p>
<p>${html(t.t('open.docs.example'))}: <a href="${html(example)}"><code>${html(example)}</code></a></p></li>`;
  }).join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(t.t('open.docs.title'))}</title></head>
<body>
<h1>${html(t.t('open.docs.title'))}</h1>
<p><a href="?lang=${other}" hreflang="${other}">${html(lang === 'id' ? t.t('open.docs.switch_en') : t.t('open.docs.switch_id'))}</a></p>
<p>${html(t.t('open.docs.intro'))}</p>
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
