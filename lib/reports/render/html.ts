import { readFileSync } from 'node:fs';
import type { Translator } from '../../i18n/index.ts';
import type { Column, Report, StationSection } from '../model.ts';
import {
  captureText,
  cellText,
  dataStateLines,
  generatedText,
  headingText,
  ISPU_COLOURS,
  isIspuCategory,
  noteText,
  periodText,
  printedColumns,
  standardsText,
  stationFacts,
  wordsOf,
} from './words.ts';

/**
 * A report as one HTML document for print (issue 16): the agency's masthead, the title, the period in
 * WIB, the standards by their citations, the data state and the generation time, then per station its
 * identity, capture, table and notes. Chromium prints it (pdf.ts); the page numbers are the printer's
 * footer (`footerTemplate`). Every text is escaped: a station named `<script>` prints as those letters.
 */

const CSS = readFileSync(new URL('./report.css', import.meta.url), 'utf8');

/** From this many columns a table no longer fits A4 portrait at 8 pt: the report prints landscape. */
export const LANDSCAPE_FROM_COLUMNS = 8;
export const isLandscape = (report: Report): boolean =>
  printedColumns(report).length >= LANDSCAPE_FROM_COLUMNS;

/** Page margins, shared with pdf.ts: the bottom one leaves room for the footer. */
export const MARGINS = { top: '14mm', right: '12mm', bottom: '16mm', left: '12mm' } as const;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** A logo is only ever an inline image: a data URI of a raster or SVG image, else none (no fetch). */
const LOGO = /^data:image\/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$/;
export const usableLogo = (uri: string | undefined): string | undefined =>
  uri !== undefined && LOGO.test(uri) ? uri.replace(/\s/g, '') : undefined;

const NUMERIC = new Set<Column['format']>(['integer', 'number', 'percent']);

function cell(tr: Translator, column: Column, row: StationSection['rows'][number], kind: string): string {
  const text = escapeHtml(cellText(tr, column, row, kind));
  const value = row[column.key];
  if (column.format === 'ispu-category' && isIspuCategory(value)) {
    const { fill, ink } = ISPU_COLOURS[value] ?? { fill: '#fff', ink: '#000' };
    return `<td class="ispu" style="background:${fill};color:${ink}">${text}</td>`;
  }
  if (NUMERIC.has(column.format) && typeof value === 'number') return `<td class="num">${text}</td>`;
  if (column.format === 'datetime') return `<td class="time">${text}</td>`;
  return `<td>${text}</td>`;
}

function table(tr: Translator, report: Report, section: StationSection): string {
  if (section.rows.length === 0) return `<p class="empty">${escapeHtml(tr.t('report.print.no_rows'))}</p>`;
  const columns = printedColumns(report);
  const head = columns.map((c) => `<th>${escapeHtml(headingText(tr, c))}</th>`).join('');
  const kind = section.station.kind;
  const body = section.rows
    .map((row) => `<tr>${columns.map((c) => cell(tr, c, row, kind)).join('')}</tr>`)
    .join('\n');
  // The station named inside the heading too, so a page that continues its table says whose it is.
  const whose = `<tr class="whose"><th colspan="${columns.length}">${escapeHtml(`${section.station.name} · ${section.station.id}`)}</th></tr>`;
  return `<table><thead>${whose}<tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function notes(tr: Translator, section: StationSection): string {
  if (section.notes.length === 0) return '';
  const items = section.notes.map((n) => `<li>${escapeHtml(noteText(tr, n))}</li>`).join('');
  return `<div class="notes"><h3>${escapeHtml(tr.t('report.print.notes'))}</h3><ul>${items}</ul></div>`;
}

function station(tr: Translator, report: Report, section: StationSection): string {
  const facts = stationFacts(tr, section.station).map(escapeHtml).join(' · ');
  return [
    '<section class="station">',
    `<h2>${escapeHtml(section.station.name)}</h2>`,
    `<p class="station-facts">${facts}</p>`,
    `<p class="capture">${escapeHtml(captureText(tr, section.capture))}</p>`,
    table(tr, report, section),
    notes(tr, section),
    '</section>',
  ].join('\n');
}

function masthead(report: Report): string {
  const logo = usableLogo(report.agency.logoDataUri);
  const img = logo ? `<img class="logo" src="${escapeHtml(logo)}" alt="">` : '';
  return `<header class="masthead">${img}<div class="agency">${escapeHtml(report.agency.name)}</div></header>`;
}

function facts(tr: Translator, report: Report): string {
  const fact = (key: string, value: string) => `<dt>${escapeHtml(tr.t(key))}</dt><dd>${value}</dd>`;
  const state = dataStateLines(tr, report)
    .map((line) => `<span>${escapeHtml(line)}</span>`)
    .join('');
  return [
    '<dl class="facts">',
    fact('report.print.fact.period', escapeHtml(periodText(tr, report))),
    fact('report.print.fact.standards', escapeHtml(standardsText(tr, report))),
    fact('report.print.fact.state', state),
    fact('report.print.fact.generated', escapeHtml(tr.dateTime(report.generatedAt))),
    fact('report.print.fact.stations', escapeHtml(tr.number(report.sections.length))),
    '</dl>',
  ].join('\n');
}

/** The whole document, self-contained (styles inline, logo as a data URI): nothing to fetch. */
export function reportHtml(report: Report): string {
  const tr = wordsOf(report);
  const size = isLandscape(report) ? 'A4 landscape' : 'A4 portrait';
  const m = MARGINS;
  const sections =
    report.sections.length === 0
      ? `<p class="empty">${escapeHtml(tr.t('report.print.no_stations'))}</p>`
      : report.sections.map((s) => station(tr, report, s)).join('\n');
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(report.lang)}"><head><meta charset="utf-8">`,
    `<title>${escapeHtml(tr.t(report.title))}</title>`,
    `<style>@page { size: ${size}; margin: ${m.top} ${m.right} ${m.bottom} ${m.left}; }\n${CSS}</style>`,
    '</head><body>',
    masthead(report),
    `<h1>${escapeHtml(tr.t(report.title))}</h1>`,
    facts(tr, report),
    sections,
    '</body></html>',
  ].join('\n');
}

/**
 * The printer's footer on every page: agency, title and generation time on the left, "Halaman 1 dari 3"
 * on the right. Chromium fills the `pageNumber` and `totalPages` spans; the template has no styles of
 * its own, hence the inline ones (its default font size is too small to read).
 */
export function footerHtml(report: Report): string {
  const tr = wordsOf(report);
  const PAGE = '\u0000page\u0000';
  const PAGES = '\u0000pages\u0000';
  const pageText = escapeHtml(tr.t('report.print.page', { page: PAGE, pages: PAGES }))
    .replace(PAGE, '<span class="pageNumber"></span>')
    .replace(PAGES, '<span class="totalPages"></span>');
  const left = escapeHtml(`${report.agency.name} · ${tr.t(report.title)} · ${generatedText(tr, report)}`);
  const font = "font-family:'DejaVu Sans',Arial,sans-serif;font-size:7pt;color:#555";
  return (
    `<div style="${font};width:100%;margin:0 ${MARGINS.left};display:flex;justify-content:space-between;gap:8pt">` +
    `<span style="overflow:hidden;white-space:nowrap;text-overflow:ellipsis">${left}</span>` +
    `<span style="white-space:nowrap">${pageText}</span></div>`
  );
}
