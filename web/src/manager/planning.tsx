// Planning board: pick a rep and a week, build a draft plan, read its days and stops (times,
// why), see the tours on a map (one colour per day, numbered stops), lock stops and plan again,
// re-plan one day, publish; and each rep's current published plan.
import L from 'leaflet';
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { loadReps, loadStores, repName, Store, storeIndex, User } from './data';
import { escapeHtml, MapView, validPoint } from './mapview';
import {
  addDays,
  colour,
  daysBetween,
  ErrorBox,
  fetchAll,
  fmtClock,
  fmtDate,
  fmtDateTime,
  fmtEur,
  fmtNum,
  Loading,
  mondayOf,
  today,
  useAsync,
  useDataChanged,
} from './util';

type Stop = {
  position: number;
  store_id: number;
  store_name: string;
  kind: string;
  type: string;
  arrival: string;
  start: string;
  end: string;
  why: string;
  todo: string;
  prize_eur: number;
  locked: boolean;
  done: boolean;
  visit_id: number | null;
};

type Day = {
  date: string;
  stops: Stop[];
  depart: string | null;
  back: string | null;
  start_from: 'home' | 'hotel' | null;
  night: 'home' | 'hotel' | null;
  distance_km: number;
  drive_minutes: number;
  work_minutes: number;
};

type Objective = {
  visits: number;
  distance_km: number;
  drive_hours: number;
  nights_away: number;
  value_eur: number;
  prizes_eur: number;
  travel_cost_eur: number;
  hotel_cost_eur: number;
  mandatory_planned: number;
  mandatory_total: number;
};

type PlanSummary = {
  id: number;
  version: number;
  rep_id: number;
  status: 'draft' | 'published' | 'superseded';
  start_date: string;
  end_date: string;
  day_count: number;
  published_at: string | null;
  created_at: string;
  objective: Objective;
};

type Plan = PlanSummary & {
  timezone: string;
  days: Day[];
  unplanned: { store_id: number; store_name: string; reason: string; explanation: string; why: string }[];
};

const DAY_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b'];
const dayColour = (i: number) => DAY_COLOURS[i % DAY_COLOURS.length];

function offsetOf(plan: Plan): string {
  for (const d of plan.days) {
    for (const s of d.stops) {
      const m = /([+-]\d{2}:\d{2}|Z)$/.exec(s.start);
      if (m) return m[1];
    }
  }
  return 'Z';
}

export function PlanningView() {
  const base = useAsync(async () => {
    const [reps, stores] = await Promise.all([loadReps(), loadStores()]);
    return { reps, stores, byId: storeIndex(stores) };
  }, []);
  const published = useAsync(
    (signal) => fetchAll<PlanSummary>('/api/v1/plans', { status: 'published' }, signal),
    [],
  );
  const [repId, setRepId] = useState<number | null>(null);
  const [week, setWeek] = useState(mondayOf(addDays(today(), 7)));
  const [days, setDays] = useState(5);
  const [planId, setPlanId] = useState<number | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [err, setErr] = useState<unknown>(null);
  const [locks, setLocks] = useState<Map<number, string>>(new Map());

  const drafts = useAsync(
    (signal) =>
      repId ? fetchAll<PlanSummary>('/api/v1/plans', { rep_id: repId, status: 'draft' }, signal) : Promise.resolve([]),
    [repId],
  );
  const plan = useAsync(
    (signal) =>
      planId ? api<Plan>('GET', `/api/v1/plans/${planId}`, undefined, { signal }) : Promise.resolve(null),
    [planId],
  );
  useDataChanged(() => {
    published.reload();
    if (planId) plan.reload();
  });

  const currentByRep = useMemo(() => {
    const m = new Map<number, PlanSummary[]>();
    const day = today();
    for (const p of published.data ?? []) {
      if (p.end_date < day) continue;
      const list = m.get(p.rep_id) ?? [];
      list.push(p);
      m.set(p.rep_id, list);
    }
    for (const list of m.values()) list.sort((a, b) => a.start_date.localeCompare(b.start_date));
    return m;
  }, [published.data]);

  if (base.error) return <ErrorBox error={base.error} onRetry={base.reload} />;
  if (!base.data) return <Loading />;
  const { reps, byId } = base.data;
  const rep = reps.find((r) => r.id === repId);

  // The period: the chosen week from its Monday, or from today when the week has begun.
  const start = week < today() ? today() : week;
  const periodDays = Math.max(1, Math.min(14, days - Math.max(0, daysBetween(week, start))));

  const run = async (label: string, fn: () => Promise<void>) => {
    setBusy(label);
    setErr(null);
    try {
      await fn();
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(null);
    }
  };

  const build = (withLocks: boolean) =>
    run(t('mgr.plan.building'), async () => {
      if (!repId) return;
      const p = plan.data;
      const body: Record<string, unknown> = { rep_id: repId, start_date: start, days: periodDays };
      if (withLocks && p) {
        body.start_date = p.start_date;
        body.days = p.day_count;
        const all = new Map(locks);
        for (const d of p.days) for (const s of d.stops) if (s.locked && !all.has(s.store_id)) all.set(s.store_id, d.date);
        body.locked = [...all].map(([store_id, date]) => ({ store_id, date }));
      }
      const created = await api<Plan>('POST', '/api/v1/plans', body);
      setLocks(new Map());
      setPlanId(created.id);
      plan.reload();
      drafts.reload();
    });

  const publish = () =>
    run(t('mgr.plan.publishing'), async () => {
      if (!plan.data) return;
      await api('POST', `/api/v1/plans/${plan.data.id}/publish`);
      plan.reload();
      published.reload();
      drafts.reload();
    });

  return (
    <div class="mgr-planning">
      <section class="mgr-card">
        <h2>{t('mgr.plan.title')}</h2>
        <div class="mgr-row mgr-wrap">
          <label>
            {t('mgr.plan.rep')}
            <select
              value={repId ?? ''}
              onChange={(e) => {
                const v = Number((e.target as HTMLSelectElement).value);
                setRepId(v || null);
                setPlanId(null);
                setLocks(new Map());
              }}
            >
              <option value="">{t('mgr.choose')}</option>
              {reps.map((r) => (
                <option key={r.id} value={r.id}>
                  {repName(r)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('mgr.plan.week')}
            <span class="mgr-row">
              <button type="button" class="mgr-btn" aria-label={t('mgr.plan.prevWeek')} onClick={() => setWeek(addDays(week, -7))}>
                ‹
              </button>
              <input
                type="date"
                value={week}
                onInput={(e) => {
                  const v = (e.target as HTMLInputElement).value;
                  if (v) setWeek(mondayOf(v));
                }}
              />
              <button type="button" class="mgr-btn" aria-label={t('mgr.plan.nextWeek')} onClick={() => setWeek(addDays(week, 7))}>
                ›
              </button>
            </span>
          </label>
          <label>
            {t('mgr.plan.days')}
            <select value={days} onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}>
              {[5, 6, 7, 14].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="mgr-btn mgr-primary" disabled={!repId || !!busy} onClick={() => build(false)}>
            {t('mgr.plan.build')}
          </button>
        </div>
        <p class="mgr-muted mgr-small">
          {t('mgr.plan.period', { from: fmtDate(start), to: fmtDate(addDays(start, periodDays - 1)), n: periodDays })}
        </p>
        {busy && <Loading label={busy} />}
        {err ? <ErrorBox error={err} /> : null}
        {repId && drafts.data && drafts.data.length > 0 && (
          <div class="mgr-row mgr-wrap mgr-small">
            <span class="mgr-muted">{t('mgr.plan.drafts')}</span>
            {drafts.data
              .slice(-6)
              .reverse()
              .map((d) => (
                <button key={d.id} type="button" class={d.id === planId ? 'mgr-chip active' : 'mgr-chip'} onClick={() => setPlanId(d.id)}>
                  #{d.id} {fmtDate(d.start_date)} · {fmtNum(d.objective.visits)} {t('mgr.plan.visitsShort')}
                </button>
              ))}
          </div>
        )}
      </section>

      <RepStatus reps={reps} current={currentByRep} loading={published.loading} error={published.error} onOpen={(p) => { setRepId(p.rep_id); setPlanId(p.id); }} />

      {plan.error ? <ErrorBox error={plan.error} onRetry={plan.reload} /> : null}
      {planId && !plan.data && plan.loading && <Loading />}
      {plan.data && (
        <PlanDetail
          plan={plan.data}
          rep={rep ?? reps.find((r) => r.id === plan.data!.rep_id)}
          stores={byId}
          locks={locks}
          setLocks={setLocks}
          busy={!!busy}
          onPublish={publish}
          onRebuild={() => build(true)}
          onReplanned={(p) => {
            setPlanId(p.id);
            plan.reload();
          }}
        />
      )}
    </div>
  );
}

function RepStatus({
  reps,
  current,
  loading,
  error,
  onOpen,
}: {
  reps: User[];
  current: Map<number, PlanSummary[]>;
  loading: boolean;
  error: unknown;
  onOpen: (p: PlanSummary) => void;
}) {
  return (
    <section class="mgr-card">
      <h3>{t('mgr.plan.status')}</h3>
      {error ? <ErrorBox error={error} /> : null}
      {loading && current.size === 0 ? <Loading /> : null}
      <div class="mgr-table-wrap">
        <table class="mgr-table mgr-compact">
          <thead>
            <tr>
              <th>{t('mgr.plan.rep')}</th>
              <th>{t('mgr.plan.published')}</th>
              <th class="mgr-num">{t('mgr.plan.visits')}</th>
              <th class="mgr-num">{t('mgr.plan.km')}</th>
            </tr>
          </thead>
          <tbody>
            {reps.map((r) => {
              const plans = current.get(r.id) ?? [];
              return (
                <tr key={r.id} data-testid="mgr-plan-rep-status">
                  <td>{repName(r)}</td>
                  <td>
                    {plans.length === 0 ? (
                      <span class="mgr-status mgr-status-none">{t('mgr.plan.noPlan')}</span>
                    ) : (
                      plans.map((p) => (
                        <button key={p.id} type="button" class="mgr-link" onClick={() => onOpen(p)}>
                          {fmtDate(p.start_date)} – {fmtDate(p.end_date)}
                          <span class="mgr-muted"> ({t('mgr.plan.publishedAt', { at: fmtDateTime(p.published_at) })})</span>
                        </button>
                      ))
                    )}
                  </td>
                  <td class="mgr-num">{plans.length ? fmtNum(plans.reduce((n, p) => n + p.objective.visits, 0)) : '—'}</td>
                  <td class="mgr-num">{plans.length ? fmtNum(plans.reduce((n, p) => n + p.objective.distance_km, 0)) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function PlanDetail({
  plan,
  rep,
  stores,
  locks,
  setLocks,
  busy,
  onPublish,
  onRebuild,
  onReplanned,
}: {
  plan: Plan;
  rep: User | undefined;
  stores: Map<number, Store>;
  locks: Map<number, string>;
  setLocks: (m: Map<number, string>) => void;
  busy: boolean;
  onPublish: () => void;
  onRebuild: () => void;
  onReplanned: (p: Plan) => void;
}) {
  const [replanDay, setReplanDay] = useState<string | null>(null);
  const o = plan.objective;
  const toggleLock = (s: Stop, date: string) => {
    const m = new Map(locks);
    if (m.get(s.store_id) === date) m.delete(s.store_id);
    else m.set(s.store_id, date);
    setLocks(m);
  };
  const editable = plan.status !== 'superseded';
  return (
    <section class="mgr-card">
      <div class="mgr-row mgr-spread mgr-wrap">
        <h3>
          {t('mgr.plan.planOf', { id: plan.id, rep: repName(rep, plan.rep_id) })}{' '}
          <span class={`mgr-status mgr-status-${plan.status}`}>{t(`mgr.plan.st.${plan.status}`)}</span>
        </h3>
        <div class="mgr-row mgr-wrap">
          {editable && (
            <button type="button" class="mgr-btn" disabled={busy || locks.size === 0} onClick={onRebuild} title={t('mgr.plan.rebuildHint')}>
              {t('mgr.plan.rebuild', { n: locks.size })}
            </button>
          )}
          {plan.status === 'draft' && (
            <button type="button" class="mgr-btn mgr-primary" disabled={busy} onClick={onPublish} data-testid="mgr-plan-publish">
              {t('mgr.plan.publish')}
            </button>
          )}
        </div>
      </div>
      <p class="mgr-muted">
        {fmtDate(plan.start_date)} – {fmtDate(plan.end_date)} · {fmtNum(o.visits)} {t('mgr.plan.visitsShort')} ·{' '}
        {fmtNum(o.distance_km)} km · {fmtNum(o.drive_hours, 1)} h {t('mgr.plan.driving')} · {t('mgr.plan.value')}{' '}
        {fmtEur(o.value_eur)}
        {o.nights_away ? ` · ${t('mgr.plan.nights', { n: o.nights_away })}` : ''}
        {o.mandatory_total ? ` · ${t('mgr.plan.mandatory', { a: o.mandatory_planned, b: o.mandatory_total })}` : ''}
      </p>
      <MapView height={380} deps={[plan, stores, rep]} draw={(layer) => drawPlan(layer, plan, stores, rep)} />
      <div class="mgr-days">
        {plan.days.map((d, di) => (
          <div key={d.date} class="mgr-day">
            <div class="mgr-day-head" style={{ borderColor: dayColour(di) }}>
              <strong>{fmtDate(d.date, { weekday: 'long', day: 'numeric', month: 'short' })}</strong>
              <span class="mgr-muted mgr-small">
                {d.stops.length
                  ? `${fmtClock(d.depart)}–${fmtClock(d.back)} · ${fmtNum(d.distance_km)} km · ${fmtNum(d.drive_minutes)} min`
                  : t('mgr.plan.dayOff')}
                {d.night === 'hotel' ? ` · ${t('mgr.plan.hotel')}` : ''}
              </span>
              {editable && d.stops.length > 0 && (
                <button type="button" class="mgr-link" onClick={() => setReplanDay(replanDay === d.date ? null : d.date)}>
                  {t('mgr.plan.replanDay')}
                </button>
              )}
            </div>
            {replanDay === d.date && (
              <ReplanDay plan={plan} day={d} rep={rep} onDone={(p) => { setReplanDay(null); onReplanned(p); }} />
            )}
            <ol class="mgr-stops">
              {d.stops.map((s, si) => {
                const lockedHere = s.locked || locks.get(s.store_id) === d.date;
                return (
                  <li key={`${s.store_id}-${si}`} class={s.done ? 'done' : ''}>
                    <span class="mgr-stop-num" style={{ background: dayColour(di) }}>
                      {si + 1}
                    </span>
                    <span class="mgr-stop-main">
                      <span>
                        <strong>{fmtClock(s.start)}</strong> {s.store_name}{' '}
                        <span class="mgr-muted mgr-small">
                          ({t(`mgr.plan.type.${s.type}`)}
                          {s.kind !== 'optional' ? `, ${t(`mgr.plan.kind.${s.kind}`)}` : ''}
                          {s.done ? `, ${t('mgr.plan.done')}` : ''})
                        </span>
                      </span>
                      <span class="mgr-muted mgr-small">
                        {s.why} · {fmtEur(s.prize_eur)}
                      </span>
                    </span>
                    {editable && (
                      <button
                        type="button"
                        class={lockedHere ? 'mgr-lock on' : 'mgr-lock'}
                        disabled={s.locked || s.kind === 'appointment'}
                        aria-pressed={lockedHere}
                        title={s.locked ? t('mgr.plan.lockedAlready') : t('mgr.plan.lockHint')}
                        onClick={() => toggleLock(s, d.date)}
                      >
                        <LockIcon closed={lockedHere} />
                        <span class="mgr-sr">{t('mgr.plan.lock')}</span>
                      </button>
                    )}
                  </li>
                );
              })}
            </ol>
          </div>
        ))}
      </div>
      {plan.unplanned.length > 0 && (
        <details class="mgr-unplanned">
          <summary>{t('mgr.plan.unplanned', { n: plan.unplanned.length })}</summary>
          <ul>
            {plan.unplanned.map((u) => (
              <li key={u.store_id}>
                {u.store_name} — <span class="mgr-muted">{u.explanation}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function drawPlan(layer: L.LayerGroup, plan: Plan, stores: Map<number, Store>, rep: User | undefined) {
  const pts: L.LatLngExpression[] = [];
  const home: L.LatLngTuple | null = rep?.home && validPoint(rep.home.lat, rep.home.lon) ? [rep.home.lat, rep.home.lon] : null;
  if (home) {
    L.circleMarker(home, { radius: 8, color: '#000', weight: 2, fillColor: '#fff', fillOpacity: 1 })
      .bindTooltip(t('mgr.plan.home'))
      .addTo(layer);
    pts.push(home);
  }
  let lastEnd: L.LatLngTuple | null = home;
  plan.days.forEach((d, di) => {
    const line: L.LatLngTuple[] = [];
    const startAt = d.start_from === 'hotel' ? lastEnd : home;
    if (startAt && d.stops.length) line.push(startAt);
    d.stops.forEach((s, si) => {
      const st = stores.get(s.store_id);
      if (!st || !validPoint(st.lat, st.lon)) return;
      const p: L.LatLngTuple = [st.lat, st.lon];
      line.push(p);
      pts.push(p);
      L.marker(p, {
        icon: L.divIcon({
          className: 'mgr-num-icon',
          html: `<span style="background:${dayColour(di)}">${si + 1}</span>`,
          iconSize: [22, 22],
          iconAnchor: [11, 11],
        }),
        title: s.store_name,
      })
        .bindPopup(
          `<strong>${escapeHtml(s.store_name)}</strong><br>${escapeHtml(fmtDate(d.date))} ${fmtClock(s.start)}–${fmtClock(s.end)}` +
            `<br>${escapeHtml(s.why)}`,
        )
        .addTo(layer);
    });
    if (line.length > 1) {
      const last = line[line.length - 1];
      if (d.night !== 'hotel' && home) line.push(home);
      lastEnd = last;
      L.polyline(line, { color: dayColour(di), weight: 3, opacity: 0.8 }).addTo(layer);
    }
  });
  return pts;
}

function ReplanDay({ plan, day, rep, onDone }: { plan: Plan; day: Day; rep: User | undefined; onDone: (p: Plan) => void }) {
  const [cancelled, setCancelled] = useState<Set<number>>(new Set());
  const [done, setDone] = useState<Set<number>>(new Set(day.stops.filter((s) => s.done).map((s) => s.store_id)));
  const [urgent, setUrgent] = useState<number | ''>('');
  const [time, setTime] = useState(() => {
    const now = new Date();
    if (day.date === today()) return `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`;
    return fmtClock(day.depart) !== '—' ? fmtClock(day.depart) : '08:00';
  });
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const toggle = (set: Set<number>, id: number, fn: (s: Set<number>) => void) => {
    const n = new Set(set);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    fn(n);
  };
  const plannedElsewhere = new Set(plan.days.filter((d) => d.date !== day.date).flatMap((d) => d.stops.map((s) => s.store_id)));
  const urgentChoices = plan.unplanned.filter((u) => !plannedElsewhere.has(u.store_id));
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!rep?.home) {
      setErr(new Error(t('mgr.plan.noHome')));
      return;
    }
    setBusy(true);
    setErr(null);
    try {
      const body: Record<string, unknown> = {
        date: day.date,
        now: `${day.date}T${time}:00${offsetOf(plan)}`,
        location: { lat: rep.home.lat, lon: rep.home.lon },
        version: plan.version,
      };
      if (done.size) body.done = [...done];
      if (cancelled.size) body.cancelled = [...cancelled];
      if (urgent !== '') body.urgent = [urgent];
      onDone(await api<Plan>('PATCH', `/api/v1/plans/${plan.id}`, body));
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="mgr-replan" onSubmit={submit}>
      <p class="mgr-small mgr-muted">{t('mgr.plan.replanHint')}</p>
      <table class="mgr-table mgr-compact">
        <thead>
          <tr>
            <th>{t('mgr.plan.stop')}</th>
            <th>{t('mgr.plan.done')}</th>
            <th>{t('mgr.plan.cancel')}</th>
          </tr>
        </thead>
        <tbody>
          {day.stops.map((s) => (
            <tr key={s.store_id}>
              <td>
                {fmtClock(s.start)} {s.store_name}
              </td>
              <td>
                <input type="checkbox" checked={done.has(s.store_id)} onChange={() => toggle(done, s.store_id, setDone)} />
              </td>
              <td>
                <input type="checkbox" checked={cancelled.has(s.store_id)} onChange={() => toggle(cancelled, s.store_id, setCancelled)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="mgr-row mgr-wrap">
        <label>
          {t('mgr.plan.from')}
          <input type="time" value={time} onInput={(e) => setTime((e.target as HTMLInputElement).value)} required />
        </label>
        <label>
          {t('mgr.plan.urgent')}
          <select value={urgent} onChange={(e) => setUrgent(Number((e.target as HTMLSelectElement).value) || '')}>
            <option value="">—</option>
            {urgentChoices.map((u) => (
              <option key={u.store_id} value={u.store_id}>
                {u.store_name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="mgr-btn mgr-primary" disabled={busy}>
          {busy ? t('mgr.plan.replanning') : t('mgr.plan.replan')}
        </button>
      </div>
      <p class="mgr-small mgr-muted">{t('mgr.plan.fromHome')}</p>
      {err ? <ErrorBox error={err} /> : null}
    </form>
  );
}


function LockIcon({ closed }: { closed: boolean }) {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.6">
      <rect x="3" y="7" width="10" height="7" rx="1.5" fill={closed ? 'currentColor' : 'none'} />
      <path d={closed ? 'M5 7V5a3 3 0 0 1 6 0v2' : 'M5 7V5a3 3 0 0 1 5.8-1'} />
    </svg>
  );
}
