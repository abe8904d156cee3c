// <LineChart series={[{label, values}]} x={labels or unix seconds} height? /> over uPlot.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { getLocale, t } from '../i18n';

export interface LineSeries { label: string; values: (number | null)[]; colour?: string }

const PALETTE = ['#1f6feb', '#cf222e', '#2da44e', '#bf8700', '#8250df', '#0a7ea4', '#d4522a'];

export function LineChart(props: { series: LineSeries[]; x: (string | number)[]; height?: number; yLabel?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const { series, x, height = 220, yLabel } = props;
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const labels = x.some((v) => typeof v === 'string');
    const xs = labels ? x.map((_, i) => i) : (x as number[]);
    const data: uPlot.AlignedData = [xs, ...series.map((s) => s.values.map((v) => (v === null || v === undefined || Number.isNaN(v) ? null : v)))];
    // Dates on the axis and in the legend in the reader's locale (uPlot's defaults are US).
    const day = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short' });
    const full = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short', year: 'numeric' });
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth || 320),
      height,
      scales: { x: { time: !labels } },
      series: [
        labels
          ? { label: t('chart.x') }
          : { label: t('chart.week'), value: (_u: uPlot, v: number | null) => (v === null ? '—' : full.format(new Date(v * 1000))) },
        ...series.map((s, i) => ({ label: s.label, stroke: s.colour ?? PALETTE[i % PALETTE.length], width: 2, spanGaps: true })),
      ],
      axes: [
        labels
          ? { values: (_u: uPlot, ticks: number[]) => ticks.map((k) => (Number.isInteger(k) ? String(x[k] ?? '') : '')) }
          : { values: (_u: uPlot, ticks: number[]) => ticks.map((k) => day.format(new Date(k * 1000))) },
        { label: yLabel },
      ],
      legend: { show: true },
    };
    const plot = new uPlot(opts, data, el);
    const ro = typeof ResizeObserver !== 'undefined'
      ? new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }))
      : null;
    ro?.observe(el);
    return () => { ro?.disconnect(); plot.destroy(); };
  }, [series, x, height, yLabel]);
  return <div class="line-chart" ref={host} />;
}
