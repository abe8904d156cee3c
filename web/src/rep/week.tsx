// My week: the published plan's days and stops, why and what to do, and the day's tour map.
import { useMemo, useState } from 'preact/hooks';
import { formatDate, formatMoney, formatTime, t } from '../i18n';
import type { Session } from '../session';
import { db, go, useLive } from '../state';
import { StopsMap, type MapPoint } from '../ui/StopsMap';
import { byId, stopState, type StopState } from './data';
import { campaignsOfWhy, expectedProductIds, latestAuditsByProduct, localDate, productsToCheck, whyText } from './logic';

const STATE_MARKER: Record<StopState, 'done' | 'pending' | 'todo' | 'current'> = {
  done: 'done', pending_sync: 'pending', planned: 'todo', in_progress: 'current',
};

export function Week({ session }: { session: Session }) {
  const plan = useLive(() => db.plans.toCollection().first(), [], undefined);
  const storeIds = useMemo(() => {
    const ids = new Set<number>();
    for (const d of plan?.days ?? []) for (const s of d.stops ?? []) ids.add(s.store_id);
    return [...ids];
  }, [plan]);
  const data = useLive(async () => {
    const [stores, visits, audits, tasks, rules, products, campaigns, me] = await Promise.all([
      db.stores.bulkGet(storeIds),
      db.visits.where('store_id').anyOf(storeIds).toArray(),
      db.audits.where('store_id').anyOf(storeIds).toArray(),
      db.tasks.where('store_id').anyOf(storeIds).toArray(),
      db.assortment_rules.toArray(),
      db.products.toArray(),
      db.campaigns.toArray(),
      db.users.get(session.user.id),
    ]);
    return { stores: stores.filter(Boolean) as any[], visits, audits, tasks, rules, products, campaigns, me };
  }, [storeIds.join(',')], null);
  const storeCount = useLive(() => db.stores.count(), [], 0);
  const lastSync = useLive(() => db.getMeta<number | null>('last_sync', null), [], null);
  const today = localDate(Date.now() / 1000);
  const days: any[] = plan?.days ?? [];
  const defaultDay = days.find((d) => d.date === today) ?? days.find((d) => d.date > today && d.stops?.length) ?? days.find((d) => d.stops?.length) ?? days[0];
  const [chosen, setChosen] = useState<string | null>(null);
  const day = days.find((d) => d.date === chosen) ?? defaultDay;

  if (!plan) {
    return (
      <main class="page">
        <h1>{t('week.title')}</h1>
        <div class="card empty" data-testid="week-empty">
          <p>{lastSync === null ? t('week.firstSync') : t('week.noPlan')}</p>
          {storeCount > 0 && <p class="muted">{t('week.storesKnown', { n: storeCount })}</p>}
          <a class="button" href="#/stores">{t('nav.stores')}</a>
        </div>
      </main>
    );
  }

  const stores = byId(data?.stores ?? []);
  const productsById = byId(data?.products ?? []);
  const stops: any[] = day?.stops ?? [];
  const points: MapPoint[] = stops.map((s, i) => {
    const st = stores.get(s.store_id);
    const state = stopState(s, day.date, data?.visits ?? []).state;
    return { lat: st?.lat, lon: st?.lon, label: i + 1, status: STATE_MARKER[state], title: s.store_name, onClick: () => go(`#/store/${s.store_id}`) };
  });
  const home = data?.me?.home ?? null;

  return (
    <main class="page week">
      <h1>{t('week.title')}</h1>
      <p class="muted">{t('week.period', { from: formatDate(plan.start_date + 'T12:00:00'), to: formatDate(plan.end_date + 'T12:00:00') })}</p>
      <div class="days" role="tablist">
        {days.map((d) => (
          <button role="tab" aria-selected={d === day} class={`day ${d === day ? 'on' : ''} ${d.date === today ? 'today' : ''}`}
            data-testid={`day-${d.date}`} onClick={() => setChosen(d.date)}>
            <span>{formatDate(d.date + 'T12:00:00', { weekday: 'short' })}</span>
            <b>{formatDate(d.date + 'T12:00:00', { day: 'numeric' })}</b>
            <small>{(d.stops ?? []).length}</small>
          </button>
        ))}
      </div>
      {day && (
        <>
          <p class="muted day-summary">
            {stops.length === 0 ? t('week.dayOff') : t('week.daySummary', {
              n: stops.length, km: Math.round(day.distance_km ?? 0), drive: day.drive_minutes ?? 0,
              depart: day.depart ? formatTime(day.depart) : '–', back: day.back ? formatTime(day.back) : '–',
            })}
          </p>
          {stops.length > 0 && <StopsMap points={points} route home={home} />}
          <ol class="stops">
            {stops.map((s, i) => {
              const st = stores.get(s.store_id);
              const { state } = stopState(s, day.date, data?.visits ?? []);
              const expected = st ? expectedProductIds(data?.rules ?? [], st.channel) : [];
              const audits = (data?.audits ?? []).filter((a) => a.store_id === s.store_id);
              const toCheck = productsToCheck(expected, latestAuditsByProduct(audits));
              const tasks = (data?.tasks ?? []).filter((x) => x.store_id === s.store_id && !x.done);
              const camps = campaignsOfWhy(s.why ?? '', data?.campaigns ?? []);
              const actions: string[] = camps.flatMap((c) => c.visit_template?.actions ?? []);
              return (
                <li class={`stop card state-${state}`} data-testid="week-stop" data-store-id={s.store_id} data-state={state}>
                  <a class="stop-head" href={`#/store/${s.store_id}`}>
                    <span class="num">{i + 1}</span>
                    <span class="stop-title">
                      <b>{s.store_name ?? st?.name}</b>
                      <small>{formatTime(s.start)}–{formatTime(s.end)} · {t(`visitType.${s.type}`)}{st?.city ? ` · ${st.city}` : ''}</small>
                    </span>
                    <span class={`pill ${state}`}>{t(`stop.${state}`)}</span>
                  </a>
                  <p class="why"><b>{t('week.why')}</b> {whyText(s.why ?? '', t)}{s.prize_eur ? ` · ${formatMoney(Math.round(s.prize_eur * 100))}` : ''}</p>
                  <div class="todo">
                    <b>{t('week.todo')}</b>
                    <ul>
                      {s.todo && <li>{s.type === 'deep' || s.type === 'quick' ? t(`todo.${s.type}`) : s.todo}</li>}
                      {toCheck.length > 0 && (
                        <li>{t('week.toCheck', { n: toCheck.length })}: {toCheck.slice(0, 3).map((p) => `${productsById.get(p.product_id)?.name ?? '#' + p.product_id} (${t(`issue.${p.issue}`)})`).join(', ')}{toCheck.length > 3 ? '…' : ''}</li>
                      )}
                      {tasks.map((x) => <li>☐ {x.title}</li>)}
                      {camps.map((c) => <li>{t('week.campaign', { name: c.name })}</li>)}
                      {actions.map((a) => <li>→ {a}</li>)}
                    </ul>
                  </div>
                  <div class="row">
                    {state === 'planned' && (
                      <a class="button primary" data-testid="stop-start" href={`#/visit/new/${s.store_id}`}>{t('visit.start')}</a>
                    )}
                    {state === 'in_progress' && <ResumeLink storeId={s.store_id} />}
                    <a class="button" href={`#/store/${s.store_id}`}>{t('week.storeDetails')}</a>
                  </div>
                </li>
              );
            })}
          </ol>
        </>
      )}
    </main>
  );
}

function ResumeLink({ storeId }: { storeId: number }) {
  const v = useLive(() => db.visits.where('store_id').equals(storeId).filter((x) => x.status === 'in_progress').first(), [storeId], undefined);
  if (!v?.client_id) return null;
  return <a class="button primary" href={`#/visit/${v.client_id}`}>{t('visit.resume')}</a>;
}
