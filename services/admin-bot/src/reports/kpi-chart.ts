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
}

export interface KpiChart {
  title: string;
  subtitle: string;
  bars: readonly ChartBar[];
  /** Shown instead of a value for a bar without data. */
  emptyLabel: string;
}

const WIDTH = 900;
const HEIGHT = 520;
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
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
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
  });
  parts.push(
    `<line x1="${PLOT.left}" y1="${baseY}" x2="${WIDTH - PLOT.right}" y2="${baseY}" stroke="#999" stroke-width="1.5"/>`,
    '</svg>',
  );
  return parts.join('\n');
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
