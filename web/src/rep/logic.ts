// Pure helpers of the rep app (tested in test/unit/visit.test.ts).
import type { Rec } from '../db';

export const FAR_CHECKIN_METRES = 300;

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function haversineMetres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const R = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A check-in farther than 300 m from the store (or without a position) needs a reason. */
export function checkinNeedsReason(distanceMetres: number | null): boolean {
  return distanceMetres === null || !Number.isFinite(distanceMetres) || distanceMetres > FAR_CHECKIN_METRES;
}

/** Whether the check-in may be sent: near enough, or a non-empty reason is given. */
export function canCheckIn(distanceMetres: number | null, reason: string): boolean {
  return !checkinNeedsReason(distanceMetres) || reason.trim().length > 0;
}

export function formatDistance(m: number, locale: string): string {
  if (m < 1000) return `${Math.round(m)} m`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(m / 1000)} km`;
}

const ts = (v: any): number => {
  if (typeof v === 'number') return v;
  const t = Date.parse(v ?? '');
  return Number.isNaN(t) ? 0 : t / 1000;
};

/** When a record happened, in unix seconds (check-in for visits, else creation). */
export function when(r: Rec): number {
  return ts(r.checkin?.at ?? r.planned_at ?? r.created_at);
}

/** The latest audit of each product at a store. */
export function latestAuditsByProduct(audits: Rec[]): Map<number, Rec> {
  const out = new Map<number, Rec>();
  for (const a of audits) {
    const cur = out.get(a.product_id);
    if (!cur || ts(a.created_at) > ts(cur.created_at) || (ts(a.created_at) === ts(cur.created_at) && Number(a.id) > Number(cur.id))) {
      out.set(a.product_id, a);
    }
  }
  return out;
}

/** Products a store of this channel should carry (assortment rules). */
export function expectedProductIds(rules: Rec[], channel: string): number[] {
  return [...new Set(rules.filter((r) => r.channel === channel).map((r) => r.product_id as number))];
}

/** Expected products that the last audit found missing or out of stock (or never audited). */
export function productsToCheck(expected: number[], latest: Map<number, Rec>): { product_id: number; issue: 'missing' | 'oos' | 'unknown' }[] {
  const out: { product_id: number; issue: 'missing' | 'oos' | 'unknown' }[] = [];
  for (const p of expected) {
    const a = latest.get(p);
    if (!a) out.push({ product_id: p, issue: 'unknown' });
    else if (!a.present) out.push({ product_id: p, issue: 'missing' });
    else if (a.out_of_stock) out.push({ product_id: p, issue: 'oos' });
  }
  return out;
}

export interface StoreKpis {
  daysSinceLastVisit: number | null;
  visits90: number;
  dnPercent: number | null;   // share of expected products present (numeric distribution)
  expected: number;
  present: number;
}

export function storeKpis(visits: Rec[], audits: Rec[], expected: number[], nowSec: number): StoreKpis {
  const done = visits.filter((v) => v.status === 'done' || v.status === 'in_progress').map(when).filter((x) => x > 0);
  const last = done.length ? Math.max(...done) : null;
  const visits90 = done.filter((x) => x >= nowSec - 90 * 86400).length;
  const latest = latestAuditsByProduct(audits);
  const audited = expected.filter((p) => latest.has(p));
  const present = audited.filter((p) => latest.get(p)!.present && !latest.get(p)!.out_of_stock).length;
  return {
    daysSinceLastVisit: last === null ? null : Math.max(0, Math.floor((nowSec - last) / 86400)),
    visits90,
    dnPercent: audited.length ? Math.round((100 * present) / audited.length) : null,
    expected: audited.length,
    present,
  };
}

/** Order total in cents for lines with known unit prices. */
export function orderTotal(lines: { quantity: number; unit_price_cents: number }[]): number {
  return lines.reduce((s, l) => s + Math.max(0, Math.round(l.quantity)) * l.unit_price_cents, 0);
}

/** Product search by name, SKU or EAN (accents and case ignored). */
export function searchProducts(products: Rec[], query: string, limit = 20): Rec[] {
  const norm = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const q = norm(query.trim());
  if (!q) return [];
  const words = q.split(/\s+/);
  return products
    .filter((p) => p.active !== false)
    .filter((p) => {
      const hay = norm(`${p.name ?? ''} ${p.sku ?? ''} ${p.ean ?? ''} ${p.brand ?? ''} ${p.range ?? ''}`);
      return words.every((w) => hay.includes(w));
    })
    .slice(0, limit);
}

// The planner explains a stop in a small fixed English grammar, parts joined by "; ". Each
// known part becomes a message of the catalogue; anything else (a reason a caller wrote) stays.
const WHY_PARTS: [RegExp, string, (m: RegExpMatchArray) => Record<string, string>][] = [
  [/^never visited$/, 'why.never', () => ({})],
  [/^overdue by (\d+) days?$/, 'why.overdue', (m) => ({ n: m[1] })],
  [/^due today$/, 'why.dueToday', () => ({})],
  [/^due in (\d+) days?$/, 'why.dueIn', (m) => ({ n: m[1] })],
  [/^high potential$/, 'why.high', () => ({})],
  [/^appointment at (\S+)$/, 'why.appointment', (m) => ({ time: m[1] })],
  [/^locked on (\S+)$/, 'why.locked', (m) => ({ date: m[1] })],
  [/^visited (\d+) days ago$/, 'why.visitedAgo', (m) => ({ n: m[1] })],
  [/^repeat visit \(every (\d+) days\)$/, 'why.repeat', (m) => ({ n: m[1] })],
  [/^campaign (.+)$/, 'why.campaign', (m) => ({ name: m[1] })],
  // The simulator's field-manager rules (the demo's plans).
  [/^(\d+) new-range products missing$/, 'why.newMissing', (m) => ({ n: m[1] })],
  [/^(\d+) core products delisted$/, 'why.coreDelisted', (m) => ({ n: m[1] })],
  [/^(\d+) out of stock at the last audit$/, 'why.oosLast', (m) => ({ n: m[1] })],
  [/^not visited yet$/, 'why.notYet', () => ({})],
  [/^overdue \((\d+) weeks\)$/, 'why.overdueWeeks', (m) => ({ n: m[1] })],
  [/^sell-in down (\d+) € over four weeks$/, 'why.sellInDown', (m) => ({ amount: m[1] })],
  [/^(\d+) visits in a row without result$/, 'why.fruitless', (m) => ({ n: m[1] })],
];

/** A plan stop's `why` in the reader's language. */
export function whyText(why: string, tr: (key: string, params?: Record<string, string>) => string): string {
  return why
    .split('; ')
    .filter((p) => p.trim() !== '')
    .map((part) => {
      for (const [re, key, params] of WHY_PARTS) {
        const m = part.match(re);
        if (m) return tr(key, params(m));
      }
      return part;
    })
    .join(' · ');
}

/** The catalogue key saying, in the reader's language, why the server refused a change (by
 *  the problem's stable type); null when the type is not one a rep can act on. */
export function rejectionKey(problem: any): string | null {
  const type: string = typeof problem?.type === 'string' ? problem.type : '';
  const slug = type.slice(type.lastIndexOf('/') + 1);
  switch (slug) {
    case 'not-found': return 'reject.notFound';
    case 'validation': return 'reject.validation';
    case 'conflict': return 'reject.conflict';
    case 'forbidden': return 'reject.forbidden';
    default: return null;
  }
}

/** Campaigns a stop's `why` names ("… campaign <name>"). */
export function campaignsOfWhy(why: string, campaigns: Rec[]): Rec[] {
  return campaigns.filter((c) => c.name && why.includes(`campaign ${c.name}`));
}

/** Local calendar date YYYY-MM-DD of a unix time or an RFC 3339 string. */
export function localDate(v: number | string): string {
  const d = new Date(typeof v === 'number' ? v * 1000 : v);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
