// Shared helpers of the manager views: formatting in the current locale, paging, errors,
// the "data changed" event and a few date helpers.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { getLocale, t } from '../i18n';

export type Page<T> = { items: T[]; next_cursor: string | null };

export function qs(params: Record<string, string | number | undefined | null>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Every item of a cursor-paginated list (docs/API.md "Lists"), 500 at a time. */
export async function fetchAll<T>(
  path: string,
  params: Record<string, string | number | undefined> = {},
  signal?: AbortSignal,
  max = 20000,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await api<Page<T>>(
      'GET',
      path + qs({ ...params, limit: 500, cursor: cursor ?? undefined }),
      undefined,
      { signal },
    );
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && out.length < max);
  return out;
}

// Formatting ------------------------------------------------------------------------------------

export function fmtNum(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(getLocale(), { maximumFractionDigits: digits }).format(n);
}

export function fmtPct(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(getLocale(), {
    style: 'percent',
    maximumFractionDigits: digits,
  }).format(n / 100);
}

export function fmtEur(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(getLocale(), {
    style: 'currency',
    currency: 'EUR',
    maximumFractionDigits: 0,
  }).format(n);
}

function asDate(v: string | number | Date): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v * 1000);
  // A bare date is a civil day: read it at noon UTC so no time zone moves it to another day.
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T12:00:00Z`);
  return new Date(v);
}

export function fmtDate(v: string | null | undefined, opts?: Intl.DateTimeFormatOptions): string {
  if (!v) return '—';
  const d = asDate(v);
  if (Number.isNaN(d.getTime())) return v;
  const civil = /^\d{4}-\d{2}-\d{2}$/.test(v);
  return new Intl.DateTimeFormat(getLocale(), {
    ...(opts ?? { weekday: 'short', day: 'numeric', month: 'short' }),
    ...(civil ? { timeZone: 'UTC' } : {}),
  }).format(d);
}

export function fmtDateTime(v: string | null | undefined): string {
  if (!v) return '—';
  const d = asDate(v);
  if (Number.isNaN(d.getTime())) return v;
  return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'short', timeStyle: 'short' }).format(d);
}

/** The clock time of an RFC 3339 string with an offset, as written (the plan's own zone). */
export function fmtClock(v: string | null | undefined): string {
  if (!v) return '—';
  const m = /T(\d{2}):(\d{2})/.exec(v);
  return m ? `${m[1]}:${m[2]}` : v;
}

// Dates (civil days as YYYY-MM-DD) ------------------------------------------------------------

export function isoDay(d: Date): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

export function today(): string {
  return isoDay(new Date());
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return isoDay(new Date(y, m - 1, d + n));
}

export function mondayOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const wd = (new Date(y, m - 1, d).getDay() + 6) % 7;
  return addDays(day, -wd);
}

export function daysBetween(a: string, b: string): number {
  const pa = a.split('-').map(Number);
  const pb = b.split('-').map(Number);
  return Math.round((Date.UTC(pb[0], pb[1] - 1, pb[2]) - Date.UTC(pa[0], pa[1] - 1, pa[2])) / 86400000);
}

/** Unix seconds of a civil day at 00:00 UTC (x axis of the charts). */
export function daySeconds(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000);
}

// Errors ----------------------------------------------------------------------------------------

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const p = e.problem ?? {};
    return p.detail || p.title || `${t('mgr.error.http')} ${e.status}`;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const fieldErrors: { field?: string; message?: string; line?: number }[] =
    error instanceof ApiError && Array.isArray(error.problem?.errors) ? error.problem.errors : [];
  return (
    <div class="mgr-error" role="alert">
      <strong>{error instanceof ApiError ? error.problem?.title || t('mgr.error.title') : t('mgr.error.title')}</strong>
      <span> {errorText(error)}</span>
      {fieldErrors.length > 0 && fieldErrors.length <= 10 && (
        <ul>
          {fieldErrors.map((f, i) => (
            <li key={i}>
              {f.line !== undefined ? `${t('mgr.imports.line')} ${f.line} · ` : ''}
              {f.field ? <code>{f.field}</code> : null} {f.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" class="mgr-link" onClick={onRetry}>
          {t('mgr.retry')}
        </button>
      )}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  return (
    <div class="mgr-loading" aria-busy="true">
      {label ?? t('mgr.loading')}
    </div>
  );
}

// Loading state ---------------------------------------------------------------------------------

export type Async<T> = { data: T | undefined; error: unknown; loading: boolean; reload: () => void };

/** Runs `load` when `deps` change (and on reload()), aborting the previous run. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    load(ctl.signal).then(
      (data) => {
        if (!ctl.signal.aborted) setState({ data, error: null, loading: false });
      },
      (error) => {
        if (!ctl.signal.aborted && !isAbort(error)) setState((s) => ({ ...s, error, loading: false }));
      },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

/** Calls `fn` (debounced) when the shell says server data changed (`boucle:changed`). */
export function useDataChanged(fn: () => void, delayMs = 1000) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const on = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => ref.current(), delayMs);
    };
    window.addEventListener('boucle:changed', on);
    return () => {
      window.removeEventListener('boucle:changed', on);
      if (timer) clearTimeout(timer);
    };
  }, [delayMs]);
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

// Colours ---------------------------------------------------------------------------------------

const PALETTE = [
  '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2',
  '#7f7f7f', '#bcbd22', '#393b79', '#ad494a',
];

export function colour(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** A labelled select with an empty first choice: the many "pick a rep / segment / range" of
 *  the manager's forms. `options` are [value, text] pairs. */
export function Picker(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: [string | number, string][];
  empty: string;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        <option value="">{props.empty}</option>
        {props.options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
