// Campaigns: the list, a creation form (segment, objective, dates, visit template), activate
// and end, and the weekly progress (worked stores vs control group vs the goal line).
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { LineChart } from '../ui/chart';
import { KPI_NAMES, loadSegments, Segment } from './data';
import {
  addDays,
  daySeconds,
  ErrorBox,
  fetchAll,
  fmtDate,
  fmtNum,
  fmtPct,
  Loading,
  Picker,
  today,
  useAsync,
  useDataChanged,
} from './util';

type Campaign = {
  id: number;
  version: number;
  name: string;
  description: string;
  segment_id: number;
  status: 'draft' | 'active' | 'ended';
  objective: { kpi: string; range: string | null; product_id: number | null; baseline: number | null; goal: number };
  start_date: string;
  end_date: string;
  visit_value_eur: number;
  control_share: number;
  visit_template: {
    audits?: { range?: string; product_id?: number }[];
    fields?: { key: string; label: string; type: string; choices?: string[] }[];
    actions?: string[];
  };
};

type Progress = {
  campaign: Campaign;
  kpi: string;
  weeks: string[];
  treated: (number | null)[];
  control: (number | null)[];
  goal_line: (number | null)[];
  summary: {
    treated: number | null;
    control: number | null;
    baseline: number | null;
    goal: number;
    effect: number | null;
    effect_vs_start: number | null;
    goal_reached: boolean;
    stores_treated: number;
    stores_control: number;
  };
};

export function CampaignsView() {
  const list = useAsync((signal) => fetchAll<Campaign>('/api/v1/campaigns', {}, signal), []);
  const segments = useAsync(() => loadSegments(), []);
  const [selected, setSelected] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  useDataChanged(() => list.reload());

  const segName = useMemo(() => {
    const m = new Map<number, Segment>();
    for (const g of segments.data ?? []) m.set(g.id, g);
    return m;
  }, [segments.data]);

  const setStatus = async (c: Campaign, status: 'active' | 'ended') => {
    setActionError(null);
    try {
      await api('PATCH', `/api/v1/campaigns/${c.id}`, { status, version: c.version });
      list.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  const current = list.data?.find((c) => c.id === selected) ?? null;
  return (
    <div class="mgr-campaigns">
      <section class="mgr-card">
        <div class="mgr-row mgr-spread">
          <h2>{t('mgr.camp.title')}</h2>
          <button type="button" class="mgr-btn mgr-primary" onClick={() => setCreating(!creating)}>
            {creating ? t('mgr.cancel') : t('mgr.camp.new')}
          </button>
        </div>
        {creating && (
          <CampaignForm
            segments={segments.data ?? []}
            onCreated={(c) => {
              setCreating(false);
              list.reload();
              setSelected(c.id);
            }}
          />
        )}
        {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
        {actionError ? <ErrorBox error={actionError} /> : null}
        {!list.data && list.loading && <Loading />}
        {list.data && list.data.length === 0 && <p class="mgr-muted">{t('mgr.camp.none')}</p>}
        {list.data && list.data.length > 0 && (
          <div class="mgr-table-wrap">
            <table class="mgr-table">
              <thead>
                <tr>
                  <th>{t('mgr.camp.name')}</th>
                  <th>{t('mgr.camp.segment')}</th>
                  <th>{t('mgr.camp.objective')}</th>
                  <th>{t('mgr.camp.period')}</th>
                  <th>{t('mgr.camp.status')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.data.map((c) => (
                  <tr key={c.id} class={c.id === selected ? 'selected' : ''}>
                    <td>
                      <button type="button" class="mgr-link" onClick={() => setSelected(c.id)}>
                        {c.name}
                      </button>
                    </td>
                    <td>{segName.get(c.segment_id)?.name ?? `#${c.segment_id}`}</td>
                    <td>
                      {t(`mgr.kpi.${c.objective.kpi}`)}
                      {c.objective.range ? ` · ${c.objective.range}` : ''}: {fmtPct(c.objective.baseline, 0)} →{' '}
                      {fmtPct(c.objective.goal, 0)}
                    </td>
                    <td>
                      {fmtDate(c.start_date)} – {fmtDate(c.end_date)}
                    </td>
                    <td>
                      <span class={`mgr-status mgr-status-${c.status}`}>{t(`mgr.camp.status.${c.status}`)}</span>
                    </td>
                    <td class="mgr-actions">
                      {c.status === 'draft' && (
                        <button type="button" class="mgr-btn" onClick={() => setStatus(c, 'active')}>
                          {t('mgr.camp.activate')}
                        </button>
                      )}
                      {c.status !== 'ended' && (
                        <button
                          type="button"
                          class="mgr-btn"
                          onClick={() => {
                            if (confirm(t('mgr.camp.endConfirm', { name: c.name }))) setStatus(c, 'ended');
                          }}
                        >
                          {t('mgr.camp.end')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {current && <CampaignProgress campaign={current} segment={segName.get(current.segment_id)} />}
    </div>
  );
}

function CampaignProgress({ campaign, segment }: { campaign: Campaign; segment?: Segment }) {
  const prog = useAsync(
    (signal) => api<Progress>('GET', `/api/v1/campaigns/${campaign.id}/progress`, undefined, { signal }),
    [campaign.id, campaign.version],
  );
  useDataChanged(() => prog.reload());
  const p = prog.data;
  const tpl = campaign.visit_template ?? {};
  return (
    <section class="mgr-card">
      <h3>{t('mgr.camp.progressOf', { name: campaign.name })}</h3>
      <p class="mgr-muted">
        {segment ? `${t('mgr.camp.segment')}: ${segment.name} (${fmtNum(segment.member_count)})` : ''}
        {campaign.description ? ` — ${campaign.description}` : ''}
      </p>
      {prog.error ? <ErrorBox error={prog.error} onRetry={prog.reload} /> : null}
      {!p && prog.loading && <Loading />}
      {p && (
        <>
          <div class="mgr-tiles">
            <Tile label={t('mgr.camp.treated')} value={fmtPct(p.summary.treated)} />
            <Tile label={t('mgr.camp.control')} value={fmtPct(p.summary.control)} />
            <Tile label={t('mgr.camp.effect')} value={fmtNum(p.summary.effect, 1)} hint={t('mgr.camp.points')} />
            <Tile label={t('mgr.camp.effectNet')} value={fmtNum(p.summary.effect_vs_start, 1)} hint={t('mgr.camp.points')} />
            <Tile label={t('mgr.camp.baseline')} value={fmtPct(p.summary.baseline)} />
            <Tile
              label={t('mgr.camp.goal')}
              value={fmtPct(p.summary.goal)}
              hint={p.summary.goal_reached ? t('mgr.camp.reached') : t('mgr.camp.notReached')}
            />
            <Tile
              label={t('mgr.camp.groups')}
              value={`${fmtNum(p.summary.stores_treated)} / ${fmtNum(p.summary.stores_control)}`}
              hint={t('mgr.camp.groupsHint')}
            />
          </div>
          {p.weeks.length > 0 ? (
            <LineChart
              height={260}
              x={p.weeks.map(daySeconds)}
              series={[
                { label: t('mgr.camp.treated'), values: p.treated },
                { label: t('mgr.camp.control'), values: p.control },
                { label: t('mgr.camp.goalLine'), values: p.goal_line },
              ]}
            />
          ) : (
            <p class="mgr-muted">{t('mgr.camp.notStarted')}</p>
          )}
        </>
      )}
      {(tpl.audits?.length || tpl.fields?.length || tpl.actions?.length) ? (
        <div class="mgr-template">
          <h4>{t('mgr.camp.template')}</h4>
          {tpl.audits?.length ? (
            <p>
              {t('mgr.camp.audits')}: {tpl.audits.map((a) => a.range ?? `#${a.product_id}`).join(', ')}
            </p>
          ) : null}
          {tpl.fields?.length ? (
            <p>
              {t('mgr.camp.fields')}: {tpl.fields.map((f) => `${f.label} (${f.type})`).join(', ')}
            </p>
          ) : null}
          {tpl.actions?.length ? (
            <ul>
              {tpl.actions.map((a, i) => (
                <li key={i}>{a}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

export function Tile({ label, value, hint, testid }: { label: string; value: string; hint?: string; testid?: string }) {
  return (
    <div class="mgr-tile" data-testid={testid}>
      <div class="mgr-tile-label">{label}</div>
      <div class="mgr-tile-value">{value}</div>
      {hint && <div class="mgr-tile-hint">{hint}</div>}
    </div>
  );
}

function slug(s: string, i: number): string {
  const k = s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 36);
  return k || `field_${i + 1}`;
}

/** "Label" or "Label : type : choice a, choice b" per line. */
export function parseFields(text: string) {
  const out: { key: string; label: string; type: string; choices?: string[] }[] = [];
  const used = new Set<string>();
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .forEach((line, i) => {
      const [label, type = 'text', choices] = line.split(':').map((p) => p.trim());
      let key = slug(label, i);
      while (used.has(key)) key = `${key}_${i}`;
      used.add(key);
      const f: { key: string; label: string; type: string; choices?: string[] } = { key, label, type: type || 'text' };
      if (choices) f.choices = choices.split(',').map((c) => c.trim()).filter(Boolean);
      out.push(f);
    });
  return out;
}

function CampaignForm({ segments, onCreated }: { segments: Segment[]; onCreated: (c: Campaign) => void }) {
  const ranges = useAsync(async (signal) => {
    const products = await fetchAll<{ range: string }>('/api/v1/products', {}, signal);
    return [...new Set(products.map((p) => p.range).filter(Boolean))].sort();
  }, []);
  const [f, setF] = useState({
    name: '',
    description: '',
    segment_id: '',
    kpi: 'dn',
    range: '',
    baseline: '',
    goal: '',
    start_date: today(),
    end_date: addDays(today(), 55),
    visit_value_eur: '',
    control_share: '0.2',
    audits: [] as string[],
    fieldsText: '',
    actionsText: '',
  });
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: Event) =>
    setF({ ...f, [k]: (e.target as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    const objective: Record<string, unknown> = { kpi: f.kpi, goal: Number(f.goal) };
    if (f.range) objective.range = f.range;
    if (f.baseline !== '') objective.baseline = Number(f.baseline);
    const body: Record<string, unknown> = {
      name: f.name.trim(),
      segment_id: Number(f.segment_id),
      objective,
      start_date: f.start_date,
      end_date: f.end_date,
      control_share: Number(f.control_share),
      visit_template: {
        audits: f.audits.map((range) => ({ range })),
        fields: parseFields(f.fieldsText),
        actions: f.actionsText
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean),
      },
    };
    if (f.description.trim()) body.description = f.description.trim();
    if (f.visit_value_eur !== '') body.visit_value_eur = Number(f.visit_value_eur);
    try {
      onCreated(await api<Campaign>('POST', '/api/v1/campaigns', body));
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="mgr-form" onSubmit={submit}>
      <div class="mgr-grid">
        <label>
          {t('mgr.camp.name')}
          <input required maxLength={120} value={f.name} onInput={set('name')} />
        </label>
        <label>
          {t('mgr.camp.segment')}
          <select required value={f.segment_id} onChange={set('segment_id')}>
            <option value="">{t('mgr.choose')}</option>
            {segments.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name} ({fmtNum(g.member_count)})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('mgr.camp.kpi')}
          <select value={f.kpi} onChange={set('kpi')}>
            {KPI_NAMES.map((k) => (
              <option key={k} value={k}>
                {t(`mgr.kpi.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <Picker label={t('mgr.camp.range')} value={f.range} onChange={(v) => setF({ ...f, range: v })}
          empty={t('mgr.camp.allProducts')} options={(ranges.data ?? []).map((r) => [r, r])} />
        <label>
          {t('mgr.camp.baseline')} (%)
          <input type="number" min={0} max={100} step="0.1" value={f.baseline} onInput={set('baseline')} placeholder={t('mgr.camp.baselineAuto')} />
        </label>
        <label>
          {t('mgr.camp.goal')} (%)
          <input type="number" required min={0} max={100} step="0.1" value={f.goal} onInput={set('goal')} />
        </label>
        <label>
          {t('mgr.camp.start')}
          <input type="date" required value={f.start_date} onInput={set('start_date')} />
        </label>
        <label>
          {t('mgr.camp.endDate')}
          <input type="date" required value={f.end_date} onInput={set('end_date')} />
        </label>
        <label>
          {t('mgr.camp.visitValue')} (€)
          <input type="number" min={0} max={10000} step="1" value={f.visit_value_eur} onInput={set('visit_value_eur')} />
        </label>
        <label>
          {t('mgr.camp.controlShare')}
          <input type="number" min={0} max={0.5} step="0.05" value={f.control_share} onInput={set('control_share')} />
        </label>
      </div>
      <label>
        {t('mgr.camp.description')}
        <textarea rows={2} maxLength={4000} value={f.description} onInput={set('description')} />
      </label>
      <fieldset class="mgr-fieldset">
        <legend>{t('mgr.camp.template')}</legend>
        <div class="mgr-label">{t('mgr.camp.audits')}</div>
        <div class="mgr-chips">
          {(ranges.data ?? []).map((r) => (
            <label key={r} class="mgr-check mgr-chip">
              <input
                type="checkbox"
                checked={f.audits.includes(r)}
                onChange={(e) => {
                  const on = (e.target as HTMLInputElement).checked;
                  setF({ ...f, audits: on ? [...f.audits, r] : f.audits.filter((x) => x !== r) });
                }}
              />
              {r}
            </label>
          ))}
        </div>
        <label>
          {t('mgr.camp.fields')}
          <textarea rows={3} value={f.fieldsText} onInput={set('fieldsText')} placeholder={t('mgr.camp.fieldsHint')} />
        </label>
        <label>
          {t('mgr.camp.actions')}
          <textarea rows={3} value={f.actionsText} onInput={set('actionsText')} placeholder={t('mgr.camp.actionsHint')} />
        </label>
      </fieldset>
      {err ? <ErrorBox error={err} /> : null}
      <button type="submit" class="mgr-btn mgr-primary" disabled={busy}>
        {busy ? t('mgr.saving') : t('mgr.camp.create')}
      </button>
    </form>
  );
}
