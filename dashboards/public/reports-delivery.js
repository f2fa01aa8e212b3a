import { h } from './dom.js';
import { t } from './i18n.js';

// What the reports list says of a run beyond its status: the e-mail of a scheduled run (sent, retrying
// at a WIB time, failed after N attempts; lib/records/report-mail.ts), and that retention deleted its
// files (the checksums stay, the download links go).

/** A line under the status, or null for a run without an e-mail. */
export function mailNote(run) {
  const mail = run.mail;
  if (!mail) return null;
  let text;
  if (mail.status === 'sent')
    text =
      mail.attempts > 1 ? t('report_mail.page.sent_after', { n: mail.attempts }) : t('report_mail.page.sent');
  else if (mail.status === 'failed') text = t('report_mail.page.failed', { n: mail.attempts });
  else if (mail.attempts === 0) text = t('report_mail.page.pending');
  else text = t('report_mail.page.retrying', { t: mail.next_attempt_at });
  return h('div', { class: `mail-${mail.status} muted` }, text);
}

/** The files of a pruned run: "pruned", with each file's name and checksum still shown. */
export function prunedFiles(run) {
  return [
    h(
      'div',
      { class: 'report-pruned', title: t('report_mail.page.pruned_hint', { t: run.pruned_at }) },
      t('report_mail.page.pruned'),
    ),
    ...run.files.map((f) =>
      h(
        'div',
        { class: 'report-file muted' },
        `${f.name} `,
        h('code', { title: f.sha256 }, `SHA-256 ${f.sha256.slice(0, 12)}…`),
      ),
    ),
  ];
}
