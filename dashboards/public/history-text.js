// Every word the alert history page shows, Indonesian first (the default) and English, in one place so
// the console's message catalogues can take them over as they are.

const TEXT = {
  id: {
    link: 'Riwayat alarm',
    title: 'Riwayat alarm',
    pageTitle: 'Riwayat alarm - konsol operator Depok',
    back: 'Kembali ke konsol',
    station: 'Stasiun',
    rule: 'Aturan',
    kind: 'Jenis',
    from: 'Dari (WIB)',
    to: 'Sampai (WIB)',
    all: 'Semua',
    apply: 'Terapkan',
    csv: 'Unduh CSV',
    more: 'Muat lagi',
    loading: 'Memuat...',
    empty: 'Tidak ada alarm yang pulih pada periode ini.',
    by: 'oleh',
    columns: {
      station: 'Stasiun',
      rule: 'Aturan',
      severity: 'Tingkat',
      raised: 'Muncul',
      acknowledged: 'Dikonfirmasi',
      escalated: 'Eskalasi',
      cleared: 'Pulih',
      duration: 'Durasi',
      value: 'Nilai (muncul → pulih)',
      limit: 'Batas',
    },
    standard: 'Acuan',
    comment: 'Komentar',
    none: '-',
    failed: 'Gagal memuat riwayat',
    count: (n, more) => `${n} alarm${more ? ', masih ada lagi' : ''}`,
    severities: { critical: 'Kritis', warning: 'Peringatan' },
    kinds: { air_quality: 'Kualitas udara', water_network: 'Jaringan air', wastewater: 'Air limbah' },
    units: { s: 'dtk', min: 'mnt', h: 'jam', d: 'hari' },
    locale: 'id-ID',
  },
  en: {
    link: 'Alert history',
    title: 'Alert history',
    pageTitle: 'Alert history - Depok operator console',
    back: 'Back to the console',
    station: 'Station',
    rule: 'Rule',
    kind: 'Kind',
    from: 'From (WIB)',
    to: 'To (WIB)',
    all: 'All',
    apply: 'Apply',
    csv: 'Download CSV',
    more: 'Load more',
    loading: 'Loading...',
    empty: 'No alert cleared in this period.',
    by: 'by',
    columns: {
      station: 'Station',
      rule: 'Rule',
      severity: 'Severity',
      raised: 'Raised',
      acknowledged: 'Acknowledged',
      escalated: 'Escalated',
      cleared: 'Cleared',
      duration: 'Duration',
      value: 'Value (raised → cleared)',
      limit: 'Limit',
    },
    standard: 'Standard',
    comment: 'Comment',
    none: '-',
    failed: 'Could not load the history',
    count: (n, more) => `${n} alert${n === 1 ? '' : 's'}${more ? ', more to load' : ''}`,
    severities: { critical: 'Critical', warning: 'Warning' },
    kinds: { air_quality: 'Air quality', water_network: 'Water network', wastewater: 'Wastewater' },
    units: { s: 's', min: 'min', h: 'h', d: 'd' },
    locale: 'en-GB',
  },
};

export const LANGUAGES = Object.keys(TEXT);

/** The words of one language; Indonesian for anything else. */
export function historyText(language) {
  const t = TEXT[language] ?? TEXT.id;
  const zone = { timeZone: 'Asia/Jakarta' };
  const day = new Intl.DateTimeFormat(t.locale, { ...zone, day: '2-digit', month: 'short', year: 'numeric' });
  const clock = new Intl.DateTimeFormat(t.locale, {
    ...zone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const number = new Intl.NumberFormat(t.locale, { maximumFractionDigits: 2 });
  return {
    ...t,
    /** Depok time (WIB) whatever the browser's zone: the day, and the time of day; undefined: no time. */
    when: (iso) => {
      const ms = Date.parse(iso ?? '');
      return Number.isFinite(ms) ? { day: day.format(ms), clock: `${clock.format(ms)} WIB` } : undefined;
    },
    number: (n) => (typeof n === 'number' && Number.isFinite(n) ? number.format(n) : t.none),
    /** "3 mnt 5 dtk", "2 jam 10 mnt", "1 hari 3 jam" (whole units from a minute on). */
    duration: (seconds) => {
      if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return t.none;
      const u = t.units;
      const s = Math.max(0, seconds);
      if (s < 59.95) return `${number.format(Math.round(s * 10) / 10)} ${u.s}`;
      const pair = (n, per, big, small) => {
        const hi = Math.floor(n / per);
        const lo = n - hi * per;
        return `${hi} ${big}${lo === 0 ? '' : ` ${lo} ${small}`}`;
      };
      const secs = Math.round(s);
      if (secs < 3600) return pair(secs, 60, u.min, u.s);
      const mins = Math.round(s / 60);
      if (mins < 1440) return pair(mins, 60, u.h, u.min);
      return pair(Math.round(s / 3600), 24, u.d, u.h);
    },
  };
}
