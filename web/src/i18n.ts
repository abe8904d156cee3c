// Tiny i18n: French first, English second. Every visible text goes through t().
export type Locale = 'fr' | 'en';
type Catalogue = Record<string, string>;

const catalogues: Record<Locale, Catalogue> = { fr: {}, en: {} };
const listeners = new Set<(l: Locale) => void>();

function initialLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem('boucle.locale');
    if (saved === 'fr' || saved === 'en') return saved;
  } catch { /* storage unavailable */ }
  const langs = (globalThis.navigator?.languages ?? [globalThis.navigator?.language ?? 'fr']) as readonly string[];
  for (const l of langs) {
    const base = (l || '').toLowerCase().slice(0, 2);
    if (base === 'fr') return 'fr';
    if (base === 'en') return 'en';
  }
  return 'fr';
}

let locale: Locale = initialLocale();

export function addMessages(cat: { fr: Catalogue; en: Catalogue }): void {
  Object.assign(catalogues.fr, cat.fr);
  Object.assign(catalogues.en, cat.en);
}

export function getLocale(): Locale {
  return locale;
}

export function setLocale(l: Locale): void {
  locale = l;
  try { globalThis.localStorage?.setItem('boucle.locale', l); } catch { /* ignore */ }
  if (globalThis.document) globalThis.document.documentElement.lang = l;
  listeners.forEach((f) => f(l));
}

export function onLocaleChange(f: (l: Locale) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** Translate `key`; `{name}` placeholders are replaced from `params` (numbers formatted). */
export function t(key: string, params?: Record<string, string | number>): string {
  const text = catalogues[locale][key] ?? catalogues.fr[key] ?? catalogues.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    if (v === undefined) return m;
    return typeof v === 'number' ? formatNumber(v) : v;
  });
}

const tag = () => (locale === 'fr' ? 'fr-FR' : 'en-GB');

export function formatNumber(n: number, opts?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(tag(), opts).format(n);
}

export function formatMoney(cents: number): string {
  return new Intl.NumberFormat(tag(), { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

export function formatDate(d: Date | string | number, opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }): string {
  const date = d instanceof Date ? d : new Date(typeof d === 'number' ? d * 1000 : d);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(tag(), opts).format(date);
}

export function formatTime(d: Date | string | number): string {
  return formatDate(d, { hour: '2-digit', minute: '2-digit' });
}

export function formatDateTime(d: Date | string | number): string {
  return formatDate(d, { dateStyle: 'short', timeStyle: 'short' });
}

/** "il y a 5 min" style relative time from unix seconds. */
export function formatRelative(unixSeconds: number, nowSeconds = Date.now() / 1000): string {
  const diff = Math.round(unixSeconds - nowSeconds);
  const rtf = new Intl.RelativeTimeFormat(tag(), { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60) return rtf.format(diff, 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  return rtf.format(Math.round(diff / 86400), 'day');
}
