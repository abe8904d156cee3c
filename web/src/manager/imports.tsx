// CSV imports (stores, products, sales): the file is sent as text/csv; a 422 lists every bad
// row (nothing was imported), a success the counts.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { t } from '../i18n';
import { forgetCaches } from './data';
import { ErrorBox, fmtNum } from './util';

type Kind = 'stores' | 'products' | 'sales';
type Result = { kind: string; rows: number; created: number; updated: number };
type RowError = { field?: string; message: string; line?: number };

const COLUMNS: Record<Kind, { required: string; optional: string }> = {
  stores: {
    required: 'code, name, lat, lon',
    optional:
      'banner, channel, address, postcode, city, timezone, potential, size_sqm, rep_email, visit_frequency_days, tags, mon … sun',
  },
  products: { required: 'sku, name', optional: 'ean, brand, range, price, launched_on, active' },
  sales: { required: 'store_code, sku, week, units', optional: 'revenue' },
};

export function ImportsView() {
  const [kind, setKind] = useState<Kind>('stores');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [rowErrors, setRowErrors] = useState<{ detail: string; errors: RowError[] } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setResult(null);
    setRowErrors(null);
    setError(null);
    try {
      const text = await file.text();
      const r = await api<Result>('POST', `/api/v1/imports/${kind}`, text, { contentType: 'text/csv' });
      setResult(r);
      forgetCaches();
      window.dispatchEvent(new CustomEvent('boucle:changed'));
    } catch (x) {
      if (x instanceof ApiError && x.status === 422 && Array.isArray(x.problem?.errors)) {
        setRowErrors({ detail: x.problem.detail ?? x.problem.title ?? '', errors: x.problem.errors });
      } else {
        setError(x);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="mgr-imports">
      <section class="mgr-card">
        <h2>{t('mgr.imp.title')}</h2>
        <form class="mgr-form" onSubmit={submit}>
          <div class="mgr-row mgr-wrap">
            <label>
              {t('mgr.imp.kind')}
              <select
                data-testid="mgr-import-kind"
                value={kind}
                onChange={(e) => {
                  setKind((e.target as HTMLSelectElement).value as Kind);
                  setResult(null);
                  setRowErrors(null);
                }}
              >
                {(['stores', 'products', 'sales'] as const).map((k) => (
                  <option key={k} value={k}>
                    {t(`mgr.imp.kind.${k}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('mgr.imp.file')}
              <input
                type="file"
                accept=".csv,text/csv"
                data-testid="mgr-import-file"
                onChange={(e) => {
                  setFile((e.target as HTMLInputElement).files?.[0] ?? null);
                  setResult(null);
                  setRowErrors(null);
                }}
              />
            </label>
            <button type="submit" class="mgr-btn mgr-primary" disabled={!file || busy} data-testid="mgr-import-submit">
              {busy ? t('mgr.imp.sending') : t('mgr.imp.send')}
            </button>
          </div>
          <p class="mgr-muted mgr-small">
            {t('mgr.imp.required')}: <code>{COLUMNS[kind].required}</code>
            <br />
            {t('mgr.imp.optional')}: <code>{COLUMNS[kind].optional}</code>
            <br />
            {t('mgr.imp.rules')}
          </p>
        </form>
        {error ? <ErrorBox error={error} /> : null}
        {result && (
          <div class="mgr-ok" role="status" data-testid="mgr-import-result">
            {t('mgr.imp.done', {
              rows: fmtNum(result.rows),
              created: fmtNum(result.created),
              updated: fmtNum(result.updated),
            })}
          </div>
        )}
        {rowErrors && (
          <div class="mgr-error" role="alert" data-testid="mgr-import-errors">
            <p>
              <strong>{t('mgr.imp.rejected')}</strong> {rowErrors.detail}
            </p>
            <div class="mgr-table-wrap">
              <table class="mgr-table mgr-compact">
                <thead>
                  <tr>
                    <th class="mgr-num">{t('mgr.imports.line')}</th>
                    <th>{t('mgr.imp.field')}</th>
                    <th>{t('mgr.imp.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rowErrors.errors.map((r, i) => (
                    <tr key={i} data-testid="mgr-import-error-row">
                      <td class="mgr-num">{r.line ?? '—'}</td>
                      <td>
                        <code>{r.field || '—'}</code>
                      </td>
                      <td>{r.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </section>
    </div>
  );
}
