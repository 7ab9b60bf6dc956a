// A time-series chart (uPlot on a canvas) with a text summary beside it for screen readers and
// a data attribute saying how many points it drew. Series get colours from the Okabe–Ito
// palette (distinguishable with colour-blindness) and dashes, and are named in the legend.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from '../api/types.js';

const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#8B7500'];
const DASHES: Array<number[] | undefined> = [undefined, [6, 3], [2, 2], [8, 3, 2, 3]];

export interface ChartSeries {
  label: string;
  values: Series;
  colour?: string;
}

export interface ChartProps {
  title: string;
  unit: string;
  timestamps: number[];
  series: ChartSeries[];
}

const points = (series: ChartSeries[]) => series.reduce((n, s) => n + s.values.filter((v) => v !== null && v !== undefined).length, 0);

function axisColour(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--fg').trim() || '#1f2328';
}

export function Chart({ title, unit, timestamps, series }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const shape = series.map((s) => s.label).join('|');
  useEffect(() => {
    const node = host.current;
    if (!node) return undefined;
    const fg = axisColour();
    const options: uPlot.Options = {
      width: Math.max(260, node.clientWidth),
      height: 200,
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.colour ?? PALETTE[i % PALETTE.length],
          width: 2,
          ...(DASHES[i % DASHES.length] ? { dash: DASHES[i % DASHES.length] } : {}),
          spanGaps: false,
          // A lone minute draws no line: sparse series get their points drawn as dots.
          points: { show: (u: uPlot, si: number) => (u.data[si] ?? []).filter((v) => v !== null && v !== undefined).length < 15, size: 6 },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : `${round(v)} ${unit}`),
        })),
      ],
      axes: [
        { stroke: fg, grid: { stroke: 'rgba(128,128,128,0.2)' } },
        { stroke: fg, grid: { stroke: 'rgba(128,128,128,0.2)' }, size: 56 },
      ],
      scales: { y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1)] } },
      legend: { live: false },
    };
    const chart = new uPlot(options, [timestamps, ...series.map((s) => s.values)] as uPlot.AlignedData, node);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(260, node.clientWidth), height: 200 }));
    resize.observe(node);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = undefined;
    };
  }, [shape, unit]);
  useEffect(() => {
    plot.current?.setData([timestamps, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [timestamps, series]);
  return (
    <figure class="chart" data-chart={title} data-points={points(series)}>
      <figcaption>{title}</figcaption>
      <div ref={host} aria-hidden="true" />
      <p class="sr-only">{summary(series, unit)}</p>
    </figure>
  );
}

function round(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function summary(series: ChartSeries[], unit: string): string {
  const parts = series.map((s) => {
    const last = [...s.values].reverse().find((v) => v !== null && v !== undefined);
    return `${s.label}: ${last === undefined || last === null ? 'no data' : `${round(last)} ${unit}`}`;
  });
  return `Latest values. ${parts.join('; ')}.`;
}
