// Segment builder: an expression with the targeting fields as chips, a live count as you type
// (debounced preview), errors pointing at the offending byte, the matching stores on a map,
// saving, and the saved segments with their counts and membership history.
import L from 'leaflet';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { t } from '../i18n';
import { LineChart } from '../ui/chart';
import { loadReps, loadSegments, Segment, StoreBrief, User } from './data';
import { escapeHtml, MapView, validPoint } from './mapview';
import {
  colour,
  daySeconds,
  ErrorBox,
  errorText,
  fetchAll,
  fmtDate,
  fmtDateTime,
  fmtNum,
  isAbort,
  Loading,
  useAsync,
  useDataChanged,
  useDebounced,
} from './util';

type Field = {
  name: string;
  type: string;
  params: { name: string; kind: string }[];
  doc: string;
  known_values: string[];
};

type Counts = {
  count: number;
  stores_total: number;
  by_rep: { rep_id: number | null; name: string | null; count: number }[];
  by_region: { region: string; count: number }[];
};

type Preview = Counts & { expression: string; sample: StoreBrief[] };

type ExprError = { message: string; position: number | null };

type Feature = {
  id: number;
  geometry: { type: string; coordinates: [number, number] };
  properties: StoreBrief;
};

const EXAMPLE = 'channel in ("hyper", "super") and days_since_visit > 21';

/** The character index of a 0-based UTF-8 byte offset in `s`. */
export function charIndexOfByte(s: string, byte: number): number {
  let bytes = 0;
  let i = 0;
  for (const ch of s) {
    if (bytes >= byte) return i;
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  return s.length;
}

function exprError(e: unknown): ExprError {
  if (e instanceof ApiError && e.status === 422) {
    const first = (e.problem?.errors ?? []).find((x: any) => x.field === 'expression') ?? e.problem?.errors?.[0];
    if (first) return { message: first.message, position: typeof first.position === 'number' ? first.position : null };
  }
  return { message: errorText(e), position: null };
}

function fieldSnippet(f: Field): string {
  if (f.params.length === 0) {
    if (f.type === 'boolean') return f.name;
    if (f.type === 'tags') return `${f.name} has ""`;
    if (f.known_values.length > 0) return `${f.name} = "${f.known_values[0]}"`;
    return f.type === 'text' ? `${f.name} = ""` : `${f.name} > `;
  }
  const args = f.params.map((p) => (p.kind === 'number' ? '30' : '""')).join(', ');
  return `${f.name}(${args}) > `;
}

export function SegmentsView() {
  const [expr, setExpr] = useState(EXAMPLE);
  const debounced = useDebounced(expr, 300);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<ExprError | null>(null);
  const [counting, setCounting] = useState(false);
  const [selected, setSelected] = useState<Segment | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);

  const fields = useAsync((signal) => api<{ items: Field[] }>('GET', '/api/v1/targeting/fields', undefined, { signal }), []);
  const segments = useAsync(() => loadSegments(true), []);
  const reps = useAsync(() => loadReps(), []);
  useDataChanged(() => segments.reload(), 1000);

  useEffect(() => {
    const text = debounced.trim();
    if (!text) {
      setPreview(null);
      setError(null);
      return;
    }
    const ctl = new AbortController();
    setCounting(true);
    api<Preview>('POST', '/api/v1/targeting/preview', { expression: debounced, sample: 100 }, { signal: ctl.signal })
      .then((p) => {
        setPreview(p);
        setError(null);
      })
      .catch((e) => {
        if (!isAbort(e) && !ctl.signal.aborted) setError(exprError(e));
      })
      .finally(() => {
        if (!ctl.signal.aborted) setCounting(false);
      });
    return () => ctl.abort();
  }, [debounced]);

  const insert = (snippet: string) => {
    const el = area.current;
    const start = el?.selectionStart ?? expr.length;
    const end = el?.selectionEnd ?? expr.length;
    const before = expr.slice(0, start);
    const sep = before.trim() && !/\s$/.test(before) ? ' ' : '';
    const glue = before.trim() && !/(\band|\bor|\bnot|\()\s*$/i.test(before) ? 'and ' : '';
    const text = `${sep}${glue}${snippet}`;
    const next = before + text + expr.slice(end);
    setExpr(next);
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      const caret = start + text.length;
      el.setSelectionRange(caret, caret);
    });
  };

  const repColourIndex = useMemo(() => {
    const m = new Map<number, number>();
    (reps.data ?? []).forEach((r: User, i: number) => m.set(r.id, i));
    return m;
  }, [reps.data]);

  return (
    <div class="mgr-segments">
      <section class="mgr-card">
        <h2>{t('mgr.seg.title')}</h2>
        <label class="mgr-label" for="mgr-seg-expr">
          {t('mgr.seg.expression')}
        </label>
        <textarea
          id="mgr-seg-expr"
          ref={area}
          class={error ? 'mgr-expr mgr-invalid' : 'mgr-expr'}
          data-testid="mgr-seg-expr"
          rows={4}
          spellcheck={false}
          autocomplete="off"
          value={expr}
          onInput={(e) => setExpr((e.target as HTMLTextAreaElement).value)}
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby="mgr-seg-status"
        />
        <div id="mgr-seg-status" class="mgr-row mgr-spread" aria-live="polite">
          <span class="mgr-count" data-testid="mgr-seg-count">
            {error
              ? t('mgr.seg.invalid')
              : preview
                ? t('mgr.seg.count', { n: fmtNum(preview.count), total: fmtNum(preview.stores_total) })
                : '—'}
          </span>
          {counting && <span class="mgr-muted">{t('mgr.seg.counting')}</span>}
        </div>
        {error && <CaretError text={expr} error={error} />}
        {preview && !error && preview.expression !== expr.trim() && (
          <p class="mgr-muted mgr-small">
            {t('mgr.seg.canonical')} <code>{preview.expression}</code>
          </p>
        )}
        <details class="mgr-fields" open>
          <summary>{t('mgr.seg.fields')}</summary>
          {fields.error ? <ErrorBox error={fields.error} /> : null}
          <div class="mgr-chips">
            {(fields.data?.items ?? []).map((f) => (
              <button
                type="button"
                key={f.name}
                class="mgr-chip"
                title={`${f.doc} (${f.type})${f.known_values.length ? ': ' + f.known_values.join(', ') : ''}`}
                onClick={() => insert(fieldSnippet(f))}
              >
                {f.name}
                {f.params.length ? `(${f.params.map((p) => p.name).join(', ')})` : ''}
              </button>
            ))}
            {['within(45.76, 4.84, 30)', 'not', 'or', '(', ')'].map((s) => (
              <button type="button" key={s} class="mgr-chip mgr-chip-op" onClick={() => insert(s)}>
                {s}
              </button>
            ))}
          </div>
        </details>
        <SaveSegment expression={expr} disabled={!!error || !expr.trim()} onSaved={(g) => { segments.reload(); setSelected(g); }} />
      </section>

      <section class="mgr-card">
        <div class="mgr-row mgr-spread">
          <h3>{selected ? t('mgr.seg.mapSaved', { name: selected.name }) : t('mgr.seg.mapPreview')}</h3>
          {selected && (
            <button type="button" class="mgr-link" onClick={() => setSelected(null)}>
              {t('mgr.seg.backToPreview')}
            </button>
          )}
        </div>
        {selected ? (
          <SavedMap segment={selected} repColourIndex={repColourIndex} />
        ) : (
          <>
            <MapView
              height={360}
              deps={[preview, error, repColourIndex]}
              draw={(layer) => drawBriefs(layer, preview && !error ? preview.sample : [], repColourIndex)}
            />
            {preview && preview.count > preview.sample.length && (
              <p class="mgr-muted mgr-small">{t('mgr.seg.sampleOnly', { n: fmtNum(preview.sample.length) })}</p>
            )}
            {preview && !error && <CountsTables counts={preview} />}
          </>
        )}
      </section>

      <section class="mgr-card">
        <h3>{t('mgr.seg.saved')}</h3>
        {segments.error ? <ErrorBox error={segments.error} onRetry={segments.reload} /> : null}
        {!segments.data && segments.loading ? <Loading /> : null}
        {segments.data && segments.data.length === 0 && <p class="mgr-muted">{t('mgr.seg.none')}</p>}
        {segments.data && segments.data.length > 0 && (
          <div class="mgr-table-wrap">
            <table class="mgr-table">
              <thead>
                <tr>
                  <th>{t('mgr.seg.name')}</th>
                  <th class="mgr-num">{t('mgr.seg.members')}</th>
                  <th>{t('mgr.seg.kind')}</th>
                  <th>{t('mgr.seg.refreshed')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {segments.data.map((g) => (
                  <tr key={g.id} class={selected?.id === g.id ? 'selected' : ''}>
                    <td>
                      <button type="button" class="mgr-link" onClick={() => setSelected(g)} title={g.expression}>
                        {g.name}
                      </button>
                    </td>
                    <td class="mgr-num">{fmtNum(g.member_count)}</td>
                    <td>{g.dynamic ? t('mgr.seg.dynamic') : t('mgr.seg.static')}</td>
                    <td>{fmtDateTime(g.refreshed_at)}</td>
                    <td>
                      <button type="button" class="mgr-link" onClick={() => setExpr(g.expression)}>
                        {t('mgr.seg.edit')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {selected && <SegmentHistory segment={selected} />}
      </section>
    </div>
  );
}

function drawBriefs(layer: L.LayerGroup, items: StoreBrief[], repColourIndex: Map<number, number>) {
  const pts: L.LatLngExpression[] = [];
  for (const s of items) {
    if (!validPoint(s.lat, s.lon)) continue;
    const i = s.rep_id ? repColourIndex.get(s.rep_id) : undefined;
    L.circleMarker([s.lat, s.lon], {
      radius: 6,
      color: '#222',
      weight: 1,
      fillColor: i !== undefined ? colour(i) : '#888',
      fillOpacity: 0.85,
    })
      .bindPopup(
        `<strong>${escapeHtml(s.name)}</strong><br>${escapeHtml(s.town || '')} · ${escapeHtml(s.channel)}` +
          `<br>${escapeHtml(t('mgr.seg.potential'))}: ${fmtNum(s.potential, 1)}`,
      )
      .addTo(layer);
    pts.push([s.lat, s.lon]);
  }
  return pts;
}

export function CaretError({ text, error }: { text: string; error: ExprError }) {
  if (error.position === null) return <p class="mgr-error">{error.message}</p>;
  const idx = charIndexOfByte(text, error.position);
  // Show the line holding the offending token, with a caret under it.
  const lineStart = text.lastIndexOf('\n', idx - 1) + 1;
  let lineEnd = text.indexOf('\n', idx);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  const col = idx - lineStart;
  return (
    <div class="mgr-error" role="alert" data-testid="mgr-seg-error">
      <div>
        {t('mgr.seg.errorAt', { col: col + 1 })} {error.message}
      </div>
      <pre class="mgr-caret">
        {line}
        {'\n'}
        {' '.repeat(col)}^
      </pre>
    </div>
  );
}

function CountsTables({ counts }: { counts: Counts }) {
  return (
    <div class="mgr-two">
      <table class="mgr-table mgr-compact">
        <thead>
          <tr>
            <th>{t('mgr.seg.byRep')}</th>
            <th class="mgr-num">{t('mgr.seg.stores')}</th>
          </tr>
        </thead>
        <tbody>
          {counts.by_rep.map((r) => (
            <tr key={r.rep_id ?? 0}>
              <td>{r.rep_id ? r.name || `#${r.rep_id}` : t('mgr.seg.unassigned')}</td>
              <td class="mgr-num">{fmtNum(r.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="mgr-table mgr-compact">
        <thead>
          <tr>
            <th>{t('mgr.seg.byRegion')}</th>
            <th class="mgr-num">{t('mgr.seg.stores')}</th>
          </tr>
        </thead>
        <tbody>
          {counts.by_region.map((r) => (
            <tr key={r.region}>
              <td>{r.region || '—'}</td>
              <td class="mgr-num">{fmtNum(r.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SaveSegment({
  expression,
  disabled,
  onSaved,
}: {
  expression: string;
  disabled: boolean;
  onSaved: (g: Segment) => void;
}) {
  const [name, setName] = useState('');
  const [dynamic, setDynamic] = useState(true);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    setDone(null);
    try {
      const g = await api<Segment>('POST', '/api/v1/segments', { name: name.trim(), expression, dynamic });
      setDone(t('mgr.seg.savedOk', { name: g.name, n: fmtNum(g.member_count) }));
      setName('');
      onSaved(g);
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="mgr-row mgr-wrap mgr-save" onSubmit={save}>
      <input
        type="text"
        required
        maxLength={120}
        placeholder={t('mgr.seg.namePlaceholder')}
        value={name}
        onInput={(e) => setName((e.target as HTMLInputElement).value)}
        aria-label={t('mgr.seg.name')}
      />
      <label class="mgr-check">
        <input type="checkbox" checked={dynamic} onChange={(e) => setDynamic((e.target as HTMLInputElement).checked)} />
        {t('mgr.seg.dynamic')}
      </label>
      <button type="submit" class="mgr-btn mgr-primary" disabled={disabled || busy || !name.trim()}>
        {t('mgr.seg.save')}
      </button>
      {done && <span class="mgr-ok">{done}</span>}
      {err ? <ErrorBox error={err} /> : null}
    </form>
  );
}

function SavedMap({ segment, repColourIndex }: { segment: Segment; repColourIndex: Map<number, number> }) {
  const geo = useAsync(
    (signal) =>
      api<{ features: Feature[] }>('GET', `/api/v1/segments/${segment.id}/geojson`, undefined, { signal }),
    [segment.id],
  );
  const counts = useAsync(
    (signal) => api<Counts>('GET', `/api/v1/segments/${segment.id}/counts`, undefined, { signal }),
    [segment.id],
  );
  const items = (geo.data?.features ?? []).map((f) => ({
    ...f.properties,
    id: f.id ?? f.properties.id,
    lon: f.geometry.coordinates[0],
    lat: f.geometry.coordinates[1],
  }));
  return (
    <>
      <p class="mgr-muted mgr-small">
        <code>{segment.expression}</code>
      </p>
      {geo.error ? <ErrorBox error={geo.error} onRetry={geo.reload} /> : null}
      <MapView height={360} deps={[geo.data, repColourIndex]} draw={(layer) => drawBriefs(layer, items, repColourIndex)} />
      {counts.data && <CountsTables counts={counts.data} />}
    </>
  );
}

type SegmentEvent = { id: number; store_id: number; change: 'joined' | 'left'; at: string };

function SegmentHistory({ segment }: { segment: Segment }) {
  const hist = useAsync(
    (signal) => fetchAll<SegmentEvent>(`/api/v1/segments/${segment.id}/history`, {}, signal, 20000),
    [segment.id, segment.version],
  );
  const series = useMemo(() => {
    const events = hist.data ?? [];
    // Members over time: joins minus leaves, summed day by day (oldest first).
    const byDay = new Map<string, { joined: number; left: number }>();
    for (const e of events) {
      const day = e.at.slice(0, 10);
      const d = byDay.get(day) ?? { joined: 0, left: 0 };
      if (e.change === 'joined') d.joined++;
      else d.left++;
      byDay.set(day, d);
    }
    const days = [...byDay.keys()].sort();
    let n = 0;
    const x: number[] = [];
    const members: number[] = [];
    const joined: number[] = [];
    const left: number[] = [];
    for (const day of days) {
      const d = byDay.get(day)!;
      n += d.joined - d.left;
      x.push(daySeconds(day));
      members.push(n);
      joined.push(d.joined);
      left.push(d.left);
    }
    return { x, members, joined, left, days };
  }, [hist.data]);
  return (
    <div class="mgr-history">
      <h4>{t('mgr.seg.history', { name: segment.name })}</h4>
      {hist.error ? <ErrorBox error={hist.error} /> : null}
      {hist.loading && !hist.data ? <Loading /> : null}
      {series.x.length > 1 && (
        <LineChart
          height={200}
          x={series.x}
          series={[
            { label: t('mgr.seg.members'), values: series.members },
            { label: t('mgr.seg.joined'), values: series.joined },
            { label: t('mgr.seg.left'), values: series.left },
          ]}
        />
      )}
      {series.days.length > 0 && (
        <div class="mgr-table-wrap">
          <table class="mgr-table mgr-compact">
            <thead>
              <tr>
                <th>{t('mgr.seg.day')}</th>
                <th class="mgr-num">{t('mgr.seg.joined')}</th>
                <th class="mgr-num">{t('mgr.seg.left')}</th>
                <th class="mgr-num">{t('mgr.seg.members')}</th>
              </tr>
            </thead>
            <tbody>
              {series.days
                .map((day, i) => (
                  <tr key={day}>
                    <td>{fmtDate(day)}</td>
                    <td class="mgr-num">{fmtNum(series.joined[i])}</td>
                    <td class="mgr-num">{fmtNum(series.left[i])}</td>
                    <td class="mgr-num">{fmtNum(series.members[i])}</td>
                  </tr>
                ))
                .reverse()
                .slice(0, 30)}
            </tbody>
          </table>
        </div>
      )}
      {hist.data && hist.data.length === 0 && <p class="mgr-muted">{t('mgr.seg.noHistory')}</p>}
    </div>
  );
}
