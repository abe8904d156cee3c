// KPI dashboard: a universe (all, team, a rep, a segment, a region), a period and a product
// range; the KPI tiles and the weekly series. Reloads when the shell says data changed.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { LineChart } from '../ui/chart';
import { Tile } from './campaigns';
import { Kpi, KPI_NAMES, KpiAnswer, loadReps, loadSegments, repName } from './data';
import {
  addDays,
  daySeconds,
  ErrorBox,
  fetchAll,
  fmtDate,
  fmtDateTime,
  fmtNum,
  fmtPct,
  Loading,
  Picker,
  qs,
  today,
  useAsync,
  useDataChanged,
} from './util';

type Series = {
  weeks: string[];
  series: { kpi: string; values: (number | null)[]; numerators: number[]; denominators: number[] }[];
};

type UniverseKind = 'all' | 'team' | 'rep' | 'segment' | 'region';

const GROUPS: { key: string; kpis: string[] }[] = [
  { key: 'distribution', kpis: ['dn', 'dv', 'coverage'] },
  { key: 'visits', kpis: ['strike_rate', 'blank_visit_rate', 'plan_adherence'] },
  { key: 'shelf', kpis: ['oos_rate', 'share_of_shelf', 'time_in_store_share'] },
];

const PRESETS = [28, 91, 364];

export function KpisView() {
  const [kind, setKind] = useState<UniverseKind>('all');
  const [value, setValue] = useState('');
  const [range, setRange] = useState('');
  const [to, setTo] = useState(today());
  const [from, setFrom] = useState(addDays(today(), -27));

  const reps = useAsync(() => loadReps(), []);
  const segments = useAsync(() => loadSegments(), []);
  const regions = useAsync(
    (signal) =>
      api<{ by_region: { region: string; count: number }[] }>(
        'POST',
        '/api/v1/targeting/preview',
        { expression: 'id > 0', sample: 0 },
        { signal },
      ).then((p) => p.by_region.map((r) => r.region).filter(Boolean).sort()),
    [],
  );
  const ranges = useAsync(async (signal) => {
    const products = await fetchAll<{ range: string }>('/api/v1/products', {}, signal);
    return [...new Set(products.map((p) => p.range).filter(Boolean))].sort();
  }, []);

  const universe =
    kind === 'all' || kind === 'team' ? kind : value ? `${kind}:${value}` : null;
  // The series cover the period, and at least the 8 weeks before its end.
  const seriesFrom = from < addDays(to, -55) ? from : addDays(to, -55);
  const query = universe ? qs({ universe, from, to, range: range || undefined }) : null;
  const seriesQuery = universe ? qs({ universe, from: seriesFrom, to, range: range || undefined }) : null;

  const kpis = useAsync(
    (signal) => (query ? api<KpiAnswer>('GET', `/api/v1/kpis${query}`, undefined, { signal }) : Promise.resolve(null)),
    [query],
  );
  const series = useAsync(
    (signal) =>
      seriesQuery ? api<Series>('GET', `/api/v1/kpis/series${seriesQuery}`, undefined, { signal }) : Promise.resolve(null),
    [seriesQuery],
  );
  useDataChanged(() => {
    kpis.reload();
    series.reload();
  }, 1000);

  const byKpi = useMemo(() => {
    const m = new Map<string, Kpi>();
    for (const k of kpis.data?.kpis ?? []) m.set(k.kpi, k);
    return m;
  }, [kpis.data]);

  const setPreset = (n: number) => {
    const end = today();
    setTo(end);
    setFrom(addDays(end, -(n - 1)));
  };

  return (
    <div class="mgr-kpis">
      <section class="mgr-card">
        <h2>{t('mgr.kpis.title')}</h2>
        <div class="mgr-row mgr-wrap">
          <label>
            {t('mgr.kpis.universe')}
            <select
              data-testid="mgr-kpi-universe"
              value={kind}
              onChange={(e) => {
                setKind((e.target as HTMLSelectElement).value as UniverseKind);
                setValue('');
              }}
            >
              {(['all', 'team', 'rep', 'segment', 'region'] as const).map((k) => (
                <option key={k} value={k}>
                  {t(`mgr.kpis.u.${k}`)}
                </option>
              ))}
            </select>
          </label>
          {kind === 'rep' && (
            <Picker label={t('mgr.kpis.u.rep')} value={value} onChange={setValue} empty={t('mgr.choose')}
              options={(reps.data ?? []).map((r) => [r.id, repName(r)])} />
          )}
          {kind === 'segment' && (
            <Picker label={t('mgr.kpis.u.segment')} value={value} onChange={setValue} empty={t('mgr.choose')}
              options={(segments.data ?? []).map((g) => [g.id, g.name])} />
          )}
          {kind === 'region' && (
            <Picker label={t('mgr.kpis.u.region')} value={value} onChange={setValue} empty={t('mgr.choose')}
              options={(regions.data ?? []).map((r) => [r, r])} />
          )}
          <Picker label={t('mgr.kpis.range')} value={range} onChange={setRange} empty={t('mgr.camp.allProducts')}
            options={(ranges.data ?? []).map((r) => [r, r])} />
          <label>
            {t('mgr.kpis.from')}
            <input type="date" value={from} max={to} onInput={(e) => setFrom((e.target as HTMLInputElement).value || from)} />
          </label>
          <label>
            {t('mgr.kpis.to')}
            <input type="date" value={to} min={from} onInput={(e) => setTo((e.target as HTMLInputElement).value || to)} />
          </label>
          <span class="mgr-row">
            {PRESETS.map((n) => (
              <button key={n} type="button" class="mgr-chip" onClick={() => setPreset(n)}>
                {t('mgr.kpis.lastWeeks', { n: Math.round(n / 7) })}
              </button>
            ))}
          </span>
        </div>
        {!universe && <p class="mgr-muted">{t('mgr.kpis.pick')}</p>}
        {kpis.error ? <ErrorBox error={kpis.error} onRetry={kpis.reload} /> : null}
        {kpis.data && (
          <p class="mgr-muted mgr-small">
            {t('mgr.kpis.scope', {
              stores: fmtNum(kpis.data.universe.stores),
              reps: fmtNum(kpis.data.universe.reps),
              from: fmtDate(kpis.data.from),
              to: fmtDate(kpis.data.to),
              at: fmtDateTime(kpis.data.as_of),
            })}
          </p>
        )}
        {universe && !kpis.data && kpis.loading && <Loading />}
        {kpis.data && (
          <div class={kpis.loading ? 'mgr-tiles mgr-stale' : 'mgr-tiles'}>
            {KPI_NAMES.map((name) => {
              const k = byKpi.get(name);
              if (!k) return null;
              return (
                <Tile
                  key={name}
                  testid={`mgr-kpi-${name}`}
                  label={t(`mgr.kpi.${name}`)}
                  value={fmtPct(k.value)}
                  hint={`${fmtNum(k.numerator, 1)} / ${fmtNum(k.denominator, 1)} ${t(`mgr.unit.${k.denominator_unit}`)}`}
                />
              );
            })}
          </div>
        )}
      </section>
      {universe && (
        <section class="mgr-card">
          <h3>{t('mgr.kpis.weekly')}</h3>
          {series.error ? <ErrorBox error={series.error} onRetry={series.reload} /> : null}
          {!series.data && series.loading && <Loading />}
          {series.data && series.data.weeks.length > 0 && (
            <div class="mgr-charts">
              {GROUPS.map((g) => {
                const s = series.data!.series.filter((x) => g.kpis.includes(x.kpi));
                if (!s.length) return null;
                return (
                  <div key={g.key} class="mgr-chart">
                    <h4>{t(`mgr.kpis.group.${g.key}`)}</h4>
                    <LineChart
                      height={220}
                      x={series.data!.weeks.map(daySeconds)}
                      series={s.map((x) => ({ label: t(`mgr.kpi.${x.kpi}`), values: x.values }))}
                    />
                  </div>
                );
              })}
            </div>
          )}
        </section>
      )}
    </div>
  );
}
