// Team map: every rep's stores coloured by rep, the stores visited in the last 7 days
// highlighted, a side list of reps with their counts, and the latest field activity.
import L from 'leaflet';
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import {
  KpiAnswer,
  latestVisits,
  loadReps,
  loadStores,
  repName,
  Store,
  storeIndex,
  StoreBrief,
  User,
  Visit,
} from './data';
import { escapeHtml, MapView, validPoint } from './mapview';
import { VisitDetail } from './visit';
import {
  addDays,
  colour,
  ErrorBox,
  fmtDateTime,
  fmtNum,
  fmtPct,
  Loading,
  qs,
  today,
  useAsync,
  useDataChanged,
} from './util';

type RepWeek = { visits: number | null; coverage: number | null; visited: Set<number> };

async function repWeek(rep: User, signal: AbortSignal): Promise<RepWeek> {
  const to = today();
  const from = addDays(to, -6);
  const [kpis, preview] = await Promise.all([
    api<KpiAnswer>(
      'GET',
      '/api/v1/kpis' + qs({ universe: `rep:${rep.id}`, from, to, kpis: 'strike_rate,coverage' }),
      undefined,
      { signal },
    ).catch(() => null),
    api<{ count: number; sample: StoreBrief[] }>(
      'POST',
      '/api/v1/targeting/preview',
      { expression: `rep = ${rep.id} and visits(7) > 0`, sample: 100 },
      { signal },
    ).catch(() => null),
  ]);
  const strike = kpis?.kpis.find((k) => k.kpi === 'strike_rate');
  const coverage = kpis?.kpis.find((k) => k.kpi === 'coverage');
  return {
    visits: strike ? strike.denominator : null,
    coverage: coverage ? coverage.value : null,
    visited: new Set((preview?.sample ?? []).map((s) => s.id)),
  };
}

export function TeamView() {
  const [focus, setFocus] = useState<number | null>(null);
  const [madeOnly, setMadeOnly] = useState(false);
  const base = useAsync(async () => {
    const [reps, stores] = await Promise.all([loadReps(), loadStores()]);
    return { reps, stores };
  }, []);
  const week = useAsync(
    async (signal) => {
      if (!base.data) return new Map<number, RepWeek>();
      const out = new Map<number, RepWeek>();
      // Two reps at a time: the machine is small and the answers are cheap.
      const reps = [...base.data.reps];
      const worker = async () => {
        for (let r = reps.shift(); r; r = reps.shift()) out.set(r.id, await repWeek(r, signal));
      };
      await Promise.all([worker(), worker()]);
      return out;
    },
    [base.data],
  );
  const activity = useAsync((signal) => latestVisits(20, signal), []);
  useDataChanged(() => {
    activity.reload();
    week.reload();
  });

  const repIndex = useMemo(() => {
    const m = new Map<number, { rep: User; i: number }>();
    base.data?.reps.forEach((rep, i) => m.set(rep.id, { rep, i }));
    return m;
  }, [base.data]);
  const storesByRep = useMemo(() => {
    const m = new Map<number, number>();
    for (const s of base.data?.stores ?? []) {
      if (s.assigned_rep_id) m.set(s.assigned_rep_id, (m.get(s.assigned_rep_id) ?? 0) + 1);
    }
    return m;
  }, [base.data]);

  if (base.error) return <ErrorBox error={base.error} onRetry={base.reload} />;
  if (!base.data) return <Loading />;
  const { reps, stores } = base.data;
  const visitedAll = new Set<number>();
  for (const w of week.data?.values() ?? []) for (const id of w.visited) visitedAll.add(id);
  const unassigned = stores.filter((s) => !s.assigned_rep_id).length;

  return (
    <div class="mgr-team">
      <section class="mgr-card mgr-team-map">
        <div class="mgr-row mgr-spread">
          <h2>{t('mgr.team.title')}</h2>
          <span class="mgr-muted">
            {t('mgr.team.legend', { stores: fmtNum(stores.length), visited: fmtNum(visitedAll.size) })}
          </span>
        </div>
        <MapView
          height={560}
          testid="mgr-team-map"
          deps={[stores, week.data, focus]}
          draw={(layer) => {
            const pts: L.LatLngExpression[] = [];
            for (const s of stores) {
              if (!validPoint(s.lat, s.lon)) continue;
              if (focus !== null && s.assigned_rep_id !== focus) continue;
              const r = s.assigned_rep_id ? repIndex.get(s.assigned_rep_id) : undefined;
              const visited = visitedAll.has(s.id);
              const c = r ? colour(r.i) : '#888';
              L.circleMarker([s.lat, s.lon], {
                radius: visited ? 7 : 4,
                color: visited ? '#111' : c,
                weight: visited ? 2 : 1,
                fillColor: c,
                fillOpacity: visited ? 0.95 : 0.55,
              })
                .bindPopup(storePopup(s, r?.rep, visited))
                .addTo(layer);
              pts.push([s.lat, s.lon]);
            }
            return pts;
          }}
        />
        <p class="mgr-muted mgr-small">{t('mgr.team.mapHint')}</p>
      </section>

      <aside class="mgr-card mgr-team-side">
        <h3>{t('mgr.team.reps')}</h3>
        {week.error ? <ErrorBox error={week.error} /> : null}
        <ul class="mgr-replist">
          <li>
            <button
              type="button"
              class={focus === null ? 'mgr-rep active' : 'mgr-rep'}
              onClick={() => setFocus(null)}
            >
              <span class="mgr-swatch" style={{ background: '#888' }} />
              <span class="mgr-rep-name">{t('mgr.team.allReps')}</span>
              <span class="mgr-muted">{t('mgr.team.unassigned', { n: fmtNum(unassigned) })}</span>
            </button>
          </li>
          {reps.map((rep, i) => {
            const w = week.data?.get(rep.id);
            return (
              <li key={rep.id}>
                <button
                  type="button"
                  class={focus === rep.id ? 'mgr-rep active' : 'mgr-rep'}
                  onClick={() => setFocus(focus === rep.id ? null : rep.id)}
                  data-testid="mgr-team-rep"
                >
                  <span class="mgr-swatch" style={{ background: colour(i) }} />
                  <span class="mgr-rep-name">{repName(rep)}</span>
                  <span class="mgr-rep-stats">
                    <span title={t('mgr.team.stores')}>
                      {fmtNum(storesByRep.get(rep.id) ?? 0)} {t('mgr.team.storesShort')}
                    </span>
                    <span title={t('mgr.team.visits7')}>
                      {w ? fmtNum(w.visits) : week.loading ? '…' : '—'} {t('mgr.team.visitsShort')}
                    </span>
                    <span title={t('mgr.kpi.coverage')}>{w ? fmtPct(w.coverage, 0) : ''}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        <p class="mgr-muted mgr-small">{t('mgr.team.repsHint')}</p>
      </aside>

      <section class="mgr-card mgr-activity">
        <div class="mgr-row mgr-spread">
          <h3>{t('mgr.activity.title')}</h3>
          <button type="button" class="mgr-btn" onClick={activity.reload} disabled={activity.loading}>
            {t('mgr.refresh')}
          </button>
        </div>
        <label class="mgr-check mgr-small">
          <input type="checkbox" checked={madeOnly} onChange={(e) => setMadeOnly((e.target as HTMLInputElement).checked)} />
          {t('mgr.activity.madeOnly')}
        </label>
        <ActivityList
          visits={activity.data?.filter((v) => !madeOnly || v.status !== 'planned')}
          error={activity.error}
          loading={activity.loading}
          stores={storeIndex(stores)}
          reps={repIndex}
        />
      </section>
    </div>
  );
}

function storePopup(s: Store, rep: User | undefined, visited: boolean): string {
  return (
    `<strong>${escapeHtml(s.name)}</strong><br>${escapeHtml(s.city || '')} · ${escapeHtml(s.channel)}` +
    `<br>${escapeHtml(t('mgr.team.rep'))}: ${escapeHtml(repName(rep, s.assigned_rep_id))}` +
    (visited ? `<br><em>${escapeHtml(t('mgr.team.visitedRecently'))}</em>` : '')
  );
}

function ActivityList({
  visits,
  error,
  loading,
  stores,
  reps,
}: {
  visits: Visit[] | undefined;
  error: unknown;
  loading: boolean;
  stores: Map<number, Store>;
  reps: Map<number, { rep: User; i: number }>;
}) {
  if (error) return <ErrorBox error={error} />;
  if (!visits) return loading ? <Loading /> : null;
  const [open, setOpen] = useState<number | null>(null);
  if (visits.length === 0) return <p class="mgr-muted">{t('mgr.activity.empty')}</p>;
  return (
    <ul class="mgr-activity-list" data-testid="mgr-activity">
      {visits.map((v) => {
        const r = reps.get(v.rep_id);
        return (
          <li key={v.id} class="mgr-activity-item" data-testid="mgr-activity-item" data-visit-id={v.id}
              role="button" tabIndex={0} title={t('mgr.activity.open')} aria-expanded={open === v.id}
              onClick={(e) => { if (!(e.target as HTMLElement).closest('.mgr-visit')) setOpen(open === v.id ? null : v.id); }}
              onKeyDown={(e) => { if (e.key === 'Enter') setOpen(open === v.id ? null : v.id); }}>
            <span class="mgr-swatch" style={{ background: r ? colour(r.i) : '#888' }} />
            <span class="mgr-activity-store">{stores.get(v.store_id)?.name ?? `#${v.store_id}`}</span>
            <span class="mgr-muted">{repName(r?.rep, v.rep_id)}</span>
            <span class={`mgr-status mgr-status-${v.status}`}>{t(`mgr.visit.status.${v.status}`)}</span>
            <span class="mgr-muted">
              {v.checkin
                ? `${t('mgr.activity.checkin')} ${fmtDateTime(v.checkin.at)}`
                : v.planned_at
                  ? `${t('mgr.activity.planned')} ${fmtDateTime(v.planned_at)}`
                  : ''}
              {v.checkin?.far ? ` · ${t('mgr.activity.far')}` : ''}
            </span>
            {open === v.id && <VisitDetail visitId={v.id} />}
          </li>
        );
      })}
    </ul>
  );
}
