import { Resvg } from '@resvg/resvg-js';

/**
 * The KPI bar chart: an SVG built here and rendered to PNG by resvg. Text uses DejaVu Sans
 * (system fonts; the runtime image needs `fonts-dejavu-core` for Cyrillic).
 */

export interface ChartBar {
  label: string;
  /** 0..100, or null when there is no data for it. */
  percent: number | null;
  color: string;
  /** The target share, drawn as a dashed mark across the bar. */
  target?: { percent: number; label: string };
}

/** A week-by-week line per series, 0..100 %. */
export interface ChartTrend {
  title: string;
  /** One label per week ("05.10"). */
  labels: readonly string[];
  series: readonly { label: string; color: string; values: readonly (number | null)[]; target?: number }[];
}

export interface KpiChart {
  title: string;
  subtitle: string;
  bars: readonly ChartBar[];
  /** Shown instead of a value for a bar without data. */
  emptyLabel: string;
  trend?: ChartTrend;
}

const WIDTH = 900;
const HEIGHT = 520;
const TREND = { top: 590, height: 260, total: 920 };
const PLOT = { left: 70, right: 30, top: 110, bottom: 90 };

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function percentText(p: number): string {
  return `${(Math.round(p * 10) / 10).toFixed(1).replace('.', ',')} %`;
}

export function kpiChartSvg(chart: KpiChart): string {
  const plotW = WIDTH - PLOT.left - PLOT.right;
  const plotH = HEIGHT - PLOT.top - PLOT.bottom;
  const baseY = PLOT.top + plotH;
  const height = chart.trend ? TREND.total : HEIGHT;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="42" font-size="24" font-weight="bold" text-anchor="middle" fill="#222">${xml(chart.title)}</text>`,
    `<text x="${WIDTH / 2}" y="74" font-size="17" text-anchor="middle" fill="#555">${xml(chart.subtitle)}</text>`,
  ];
  for (const tick of [0, 25, 50, 75, 100]) {
    const y = baseY - (tick / 100) * plotH;
    parts.push(
      `<line x1="${PLOT.left}" y1="${y}" x2="${WIDTH - PLOT.right}" y2="${y}" stroke="#e3e3e3" stroke-width="1"/>`,
      `<text x="${PLOT.left - 10}" y="${y + 5}" font-size="14" text-anchor="end" fill="#777">${tick}%</text>`,
    );
  }
  const slot = plotW / Math.max(1, chart.bars.length);
  const barW = Math.min(120, slot * 0.6);
  chart.bars.forEach((bar, i) => {
    const cx = PLOT.left + slot * i + slot / 2;
    const value = bar.percent === null ? 0 : Math.max(0, Math.min(100, bar.percent));
    const h = (value / 100) * plotH;
    parts.push(
      `<rect x="${cx - barW / 2}" y="${baseY - h}" width="${barW}" height="${h}" rx="4" fill="${bar.color}"/>`,
      `<text x="${cx}" y="${baseY - h - 10}" font-size="18" font-weight="bold" text-anchor="middle" fill="#222">${xml(
        bar.percent === null ? chart.emptyLabel : percentText(bar.percent),
      )}</text>`,
      `<text x="${cx}" y="${baseY + 30}" font-size="16" text-anchor="middle" fill="#333">${xml(bar.label)}</text>`,
    );
    if (bar.target) {
      const ty = baseY - (bar.target.percent / 100) * plotH;
      parts.push(
        `<line x1="${cx - barW / 2 - 8}" y1="${ty}" x2="${cx + barW / 2 + 8}" y2="${ty}" stroke="#222" stroke-width="2" stroke-dasharray="6 4"/>`,
        `<text x="${cx + barW / 2 + 10}" y="${ty + 5}" font-size="13" fill="#222">${xml(bar.target.label)}</text>`,
      );
    }
  });
  if (chart.trend) parts.push(...trendSvg(chart.trend));
  parts.push(
    `<line x1="${PLOT.left}" y1="${baseY}" x2="${WIDTH - PLOT.right}" y2="${baseY}" stroke="#999" stroke-width="1.5"/>`,
    '</svg>',
  );
  return parts.join('\n');
}

/** The trend panel under the bars: one polyline per series, dashed target lines, week labels. */
function trendSvg(trend: ChartTrend): string[] {
  const left = PLOT.left;
  const w = WIDTH - PLOT.left - PLOT.right;
  const top = TREND.top;
  const h = TREND.height;
  const base = top + h;
  const n = trend.labels.length;
  const x = (i: number) => left + (n <= 1 ? w / 2 : (w * i) / (n - 1));
  const y = (p: number) => base - (Math.max(0, Math.min(100, p)) / 100) * h;
  const parts = [
    `<text x="${left}" y="${top - 22}" font-size="18" font-weight="bold" fill="#222">${xml(trend.title)}</text>`,
  ];
  for (const tick of [0, 50, 100]) {
    parts.push(
      `<line x1="${left}" y1="${y(tick)}" x2="${left + w}" y2="${y(tick)}" stroke="#e3e3e3" stroke-width="1"/>`,
      `<text x="${left - 10}" y="${y(tick) + 5}" font-size="13" text-anchor="end" fill="#777">${tick}%</text>`,
    );
  }
  const every = Math.max(1, Math.ceil(n / 12));
  trend.labels.forEach((label, i) => {
    if (i % every === 0 || i === n - 1)
      parts.push(
        `<text x="${x(i)}" y="${base + 22}" font-size="13" text-anchor="middle" fill="#555">${xml(label)}</text>`,
      );
  });
  trend.series.forEach((s, k) => {
    if (s.target !== undefined)
      parts.push(
        `<line x1="${left}" y1="${y(s.target)}" x2="${left + w}" y2="${y(s.target)}" stroke="${s.color}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      );
    const points = s.values.flatMap((v, i) => (v === null ? [] : [`${x(i)},${y(v)}`]));
    if (points.length > 1)
      parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${s.color}" stroke-width="3"/>`);
    for (const p of points) {
      const [px, py] = p.split(',');
      parts.push(`<circle cx="${px}" cy="${py}" r="4" fill="${s.color}"/>`);
    }
    parts.push(
      `<rect x="${left + w - 260 + k * 130}" y="${top - 36}" width="14" height="14" fill="${s.color}"/>`,
      `<text x="${left + w - 240 + k * 130}" y="${top - 24}" font-size="14" fill="#333">${xml(s.label)}</text>`,
    );
  });
  parts.push(
    `<line x1="${left}" y1="${base}" x2="${left + w}" y2="${base}" stroke="#999" stroke-width="1.5"/>`,
  );
  return parts;
}

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return Buffer.from(resvg.render().asPng());
}

export function kpiChartPng(chart: KpiChart): Buffer {
  return svgToPng(kpiChartSvg(chart));
}
