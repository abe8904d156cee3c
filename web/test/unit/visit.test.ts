import { describe, expect, it } from 'vitest';
import {
  canCheckIn, checkinNeedsReason, expectedProductIds, haversineMetres, latestAuditsByProduct,
  orderTotal, productsToCheck, searchProducts, storeKpis, campaignsOfWhy, whyText, rejectionKey,
} from '../../src/rep/logic';
import { addMessages, setLocale, t } from '../../src/i18n';
import { messages } from '../../src/messages';
import { fitWithin } from '../../src/rep/photo';

describe('why a stop is planned', () => {
  it('says the planner\'s reasons in the reader\'s language and keeps unknown ones', () => {
    addMessages(messages);
    setLocale('fr');
    expect(whyText('visited 40 days ago; overdue by 12 days; high potential; campaign Protéine+', t))
      .toBe('visité il y a 40 j · en retard de 12 j · fort potentiel · campagne Protéine+');
    expect(whyText('never visited', t)).toBe('jamais visité');
    expect(whyText('due in 1 day; Relancer la PLV', t)).toBe('à voir dans 1 j · Relancer la PLV');
    setLocale('en');
    expect(whyText('repeat visit (every 14 days); appointment at 09:30', t))
      .toBe('repeat visit (every 14 d) · appointment at 09:30');
    expect(whyText('', t)).toBe('');
    setLocale('fr');
    expect(whyText('4 new-range products missing; 2 out of stock at the last audit; overdue (3 weeks)', t))
      .toBe('4 produit(s) de la nouvelle gamme absent(s) · 2 en rupture au dernier relevé · en retard (3 semaines)');
  });
});

describe('why the server refused a change', () => {
  it('reads the problem\'s stable type, not its English detail', () => {
    expect(rejectionKey({ type: 'https://boucle.dev/problems/not-found', detail: 'store 3 is not in your territory' })).toBe('reject.notFound');
    expect(rejectionKey({ type: 'https://boucle.dev/problems/validation' })).toBe('reject.validation');
    expect(rejectionKey({ type: 'https://boucle.dev/problems/internal' })).toBeNull();
    expect(rejectionKey(undefined)).toBeNull();
  });
});

describe('visit helpers', () => {
  it('computes great-circle distances', () => {
    const paris = { lat: 48.8566, lon: 2.3522 };
    const lyon = { lat: 45.764, lon: 4.8357 };
    expect(haversineMetres(paris, lyon) / 1000).toBeGreaterThan(390);
    expect(haversineMetres(paris, lyon) / 1000).toBeLessThan(394);
    expect(haversineMetres(paris, paris)).toBe(0);
    // 0.001° of latitude ≈ 111 m
    expect(haversineMetres({ lat: 45, lon: 4 }, { lat: 45.001, lon: 4 })).toBeCloseTo(111.2, 0);
  });

  it('asks for a reason beyond 300 m or without a position', () => {
    expect(checkinNeedsReason(0)).toBe(false);
    expect(checkinNeedsReason(300)).toBe(false);
    expect(checkinNeedsReason(300.5)).toBe(true);
    expect(checkinNeedsReason(null)).toBe(true);
    expect(canCheckIn(120, '')).toBe(true);
    expect(canCheckIn(450, '')).toBe(false);
    expect(canCheckIn(450, '   ')).toBe(false);
    expect(canCheckIn(450, 'parking')).toBe(true);
    expect(canCheckIn(null, 'GPS off')).toBe(true);
  });

  it('finds what to check from the assortment and the last audits', () => {
    const rules = [{ id: 1, channel: 'super', product_id: 10 }, { id: 2, channel: 'super', product_id: 11 }, { id: 3, channel: 'hyper', product_id: 12 }, { id: 4, channel: 'super', product_id: 13 }];
    const expected = expectedProductIds(rules, 'super');
    expect(expected).toEqual([10, 11, 13]);
    const audits = [
      { id: 1, product_id: 10, present: false, out_of_stock: false, facings: 0, created_at: '2026-01-01T10:00:00Z' },
      { id: 2, product_id: 10, present: true, out_of_stock: false, facings: 2, created_at: '2026-02-01T10:00:00Z' },
      { id: 3, product_id: 11, present: true, out_of_stock: true, facings: 1, created_at: '2026-02-01T10:00:00Z' },
    ];
    const latest = latestAuditsByProduct(audits);
    expect(latest.get(10)?.id).toBe(2);
    expect(productsToCheck(expected, latest)).toEqual([{ product_id: 11, issue: 'oos' }, { product_id: 13, issue: 'unknown' }]);
  });

  it('computes store KPIs locally', () => {
    const now = Date.parse('2026-03-01T12:00:00Z') / 1000;
    const visits = [
      { id: 1, status: 'done', checkin: { at: '2026-02-20T09:00:00Z' } },
      { id: 2, status: 'done', checkin: { at: '2025-10-01T09:00:00Z' } },
      { id: 3, status: 'planned', planned_at: '2026-03-05T09:00:00Z' },
    ];
    const audits = [
      { id: 1, product_id: 10, present: true, out_of_stock: false, created_at: '2026-02-20T09:10:00Z' },
      { id: 2, product_id: 11, present: true, out_of_stock: true, created_at: '2026-02-20T09:10:00Z' },
    ];
    const k = storeKpis(visits, audits, [10, 11, 12], now);
    expect(k.daysSinceLastVisit).toBe(9);
    expect(k.visits90).toBe(1);
    expect(k.dnPercent).toBe(50);
    expect(storeKpis([], [], [10], now).daysSinceLastVisit).toBeNull();
  });

  it('totals orders and searches products by name, SKU or EAN', () => {
    expect(orderTotal([{ quantity: 3, unit_price_cents: 199 }, { quantity: 2, unit_price_cents: 1050 }])).toBe(2697);
    const products = [
      { id: 1, name: 'Protéine+ Vanille', sku: 'PV-01', ean: '3017620422003' },
      { id: 2, name: 'Barre céréales', sku: 'BC-02', ean: '4006381333931' },
      { id: 3, name: 'Old', sku: 'OLD', active: false },
    ];
    expect(searchProducts(products, 'proteine').map((p) => p.id)).toEqual([1]);
    expect(searchProducts(products, 'bc-02').map((p) => p.id)).toEqual([2]);
    expect(searchProducts(products, '4006381').map((p) => p.id)).toEqual([2]);
    expect(searchProducts(products, 'old')).toEqual([]);
    expect(searchProducts(products, '')).toEqual([]);
  });

  it('finds campaigns named in a stop reason and fits photos in 1600 px', () => {
    const c = [{ id: 1, name: 'Protein gap' }, { id: 2, name: 'Other' }];
    expect(campaignsOfWhy('overdue by 3 days, campaign Protein gap', c).map((x) => x.id)).toEqual([1]);
    expect(fitWithin(4000, 3000)).toEqual({ w: 1600, h: 1200 });
    expect(fitWithin(1200, 900)).toEqual({ w: 1200, h: 900 });
    expect(fitWithin(1000, 5000)).toEqual({ w: 320, h: 1600 });
  });
});
