import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { messages } from '../../src/messages';
import { addMessages, setLocale, t } from '../../src/i18n';

const SRC = join(__dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'manager' ? [] : sources(p); // the manager app has its own catalogue
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

describe('i18n', () => {
  it('has the same keys in French and English, none empty', () => {
    const fr = Object.keys(messages.fr).sort();
    const en = Object.keys(messages.en).sort();
    expect(fr.filter((k) => !(k in messages.en))).toEqual([]);
    expect(en.filter((k) => !(k in messages.fr))).toEqual([]);
    for (const k of fr) {
      expect(messages.fr[k].trim(), k).not.toBe('');
      expect(messages.en[k].trim(), k).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    for (const k of Object.keys(messages.fr)) expect(ph(messages.en[k]), k).toBe(ph(messages.fr[k]));
  });

  it('defines every key the rep app and shell use', () => {
    const used = new Set<string>();
    for (const f of sources(SRC)) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([\w.]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !(k in messages.fr))).toEqual([]);
  });

  it('defines the keys built at run time', () => {
    const dynamic = [
      ...['quick', 'deep'].map((x) => `visitType.${x}`),
      ...['planned', 'in_progress', 'done', 'pending_sync'].map((x) => `stop.${x}`),
      ...['missing', 'oos', 'unknown'].map((x) => `issue.${x}`),
      ...['hyper', 'super', 'proxi', 'drive', 'cash_carry', 'specialist', 'other'].map((x) => `channel.${x}`),
      ...['planned', 'in_progress', 'done', 'cancelled'].map((x) => `visitStatus.${x}`),
      ...['name', 'address', 'postcode', 'city', 'tags', 'size_sqm', 'opening_hours'].map((x) => `field.${x}`),
      ...['gps', 'parking', 'moved', 'other', 'nofix'].map((x) => `reason.${x}`),
      ...['denied', 'timeout', 'unavailable', 'unsupported'].map((x) => `geo.${x}`),
      ...['visit.checkin', 'visit.checkout', 'audit.create', 'order.create', 'attachment.create', 'store.update', 'note.put', 'task.put', 'note.delete', 'task.delete'].map((x) => `kind.${x}`),
      ...['rep', 'manager', 'admin'].map((x) => `role.${x}`),
    ];
    expect(dynamic.filter((k) => !(k in messages.fr))).toEqual([]);
  });

  it('translates with parameters and switches language', () => {
    addMessages(messages);
    setLocale('fr');
    expect(t('badge.pending', { n: 3 })).toBe('3 en attente');
    setLocale('en');
    expect(t('badge.pending', { n: 1200 })).toBe('1,200 waiting');
    expect(t('no.such.key')).toBe('no.such.key');
    setLocale('fr');
  });
});
