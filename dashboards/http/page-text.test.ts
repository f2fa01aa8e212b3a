import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translator } from '../../lib/i18n/index.ts';
import { createTranslator } from '../../lib/i18n/message.js';
import { pageKeys, renderPage, wordsInPage } from './page-text.ts';
import { ASSET_NAMES } from './static.ts';

const pages = ASSET_NAMES.filter((name) => name.endsWith('.html')).map((name) => ({
  name,
  html: readFileSync(join(import.meta.dirname, '..', 'public', name), 'utf8'),
}));

describe('page words', () => {
  it('fills marked elements and attributes from the catalogue, escaped, and says the language', () => {
    const tr = createTranslator('en', { title: 'A <b> & "c"', label: 'Pick "one"' });
    const html =
      '<html lang="id"><title data-i18n="title"></title><select data-i18n-aria-label="label">' +
      '<option value="id"></option><option value="en"></option></select></html>';
    expect(renderPage(html, tr)).toBe(
      '<html lang="en"><title data-i18n="title">A &lt;b&gt; &amp; &quot;c&quot;</title>' +
        '<select aria-label="Pick &quot;one&quot;"><option value="id"></option>' +
        '<option value="en" selected></option></select></html>',
    );
  });

  it.each(pages)('$name holds no words of its own: every text is a catalogue key', ({ html }) => {
    expect(wordsInPage(html)).toEqual([]);
    // Whatever is not markup is blank: a label typed into the file would show here.
    const text = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, '');
    expect(text.trim()).toBe('');
    expect(pageKeys(html).length).toBeGreaterThan(4);
  });

  it.each(pages)('$name leaves no key unfilled in either language', ({ html }) => {
    for (const lang of ['id', 'en'] as const) {
      const tr = translator(lang);
      const rendered = renderPage(html, tr);
      for (const key of pageKeys(html)) expect(rendered, `${key} in ${lang}`).toContain(tr.t(key));
      expect(rendered).not.toMatch(/data-i18n="[^"]+"><\//);
    }
  });
});
