import * as echarts from 'echarts';
import type { VisitArmStatistics } from '../report/csr-report.js';

const WIDTH = 720;
const HEIGHT = 360;
const PALETTE = ['#1f5fa8', '#c4502b', '#2e8b57', '#7b4aa8', '#b8860b', '#555555'];

/**
 * A chart as an SVG string, rendered on the server (no script in the page). zrender numbers its
 * ids and classes per process; they are renumbered per chart so that the same report renders the
 * same bytes every time.
 */
function renderSvg(option: echarts.EChartsCoreOption, prefix: string): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: 'sans-serif' }, ...option });
    const svg = chart.renderToSVGString();
    const renamed = new Map<string, string>();
    return svg.replace(/zr\d+-[A-Za-z0-9_-]+/g, (id) => {
      if (!renamed.has(id)) renamed.set(id, `${prefix}-${renamed.size}`);
      return renamed.get(id) as string;
    });
  } finally {
    chart.dispose();
  }
}

const round = (value: number | null, digits = 1): number | null => (value === null ? null : Number(value.toFixed(digits)));

/** Mean ± 95% CI by visit, one line per arm, the means as data labels and the intervals as error bars. */
export function meanByVisitChart(cells: VisitArmStatistics[], visits: string[], arms: string[], title: string, unit: string): string {
  const series = arms.flatMap((arm, index) => {
    const at = visits.map((visit) => cells.find((cell) => cell.arm === arm && cell.visit === visit));
    const color = PALETTE[index % PALETTE.length];
    // Each arm's bars a few pixels to its side, so that overlapping intervals stay apart.
    const dodge = (index - (arms.length - 1) / 2) * 6;
    return [
      {
        name: arm,
        type: 'line',
        connectNulls: true,
        symbolSize: 6,
        data: at.map((cell) => round(cell?.mean ?? null)),
        // Beside the point, left for one arm and right for the next, clear of the vertical error bar.
        label: { show: true, position: index % 2 === 0 ? 'left' : 'right', distance: 8, formatter: '{c}', fontSize: 10 },
      },
      {
        name: arm,
        type: 'custom',
        silent: true,
        // Both ends of the interval count for the axis range, so no bar is cut off.
        encode: { x: 0, y: [1, 2] },
        data: at.flatMap((cell, visitIndex) => (cell && cell.ci_lower !== null && cell.ci_upper !== null ? [[visitIndex, cell.ci_lower, cell.ci_upper]] : [])),
        renderItem: (_params: unknown, api: { value(dimension: number): number; coord(point: number[]): number[] }) => {
          const [x, low] = api.coord([api.value(0), api.value(1)]);
          const high = api.coord([api.value(0), api.value(2)])[1];
          const at = x + dodge;
          const stroke = { stroke: color, lineWidth: 1.5 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: at, y1: low, x2: at, y2: high }, style: stroke },
              { type: 'line', shape: { x1: at - 5, y1: low, x2: at + 5, y2: low }, style: stroke },
              { type: 'line', shape: { x1: at - 5, y1: high, x2: at + 5, y2: high }, style: stroke },
            ],
          };
        },
        itemStyle: { color },
        z: 1,
      },
    ];
  });
  return renderSvg(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      legend: { bottom: 0, data: arms },
      grid: { left: 60, right: 30, top: 50, bottom: 60 },
      xAxis: { type: 'category', data: visits, name: 'Visit', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', scale: true, name: unit, nameLocation: 'middle', nameGap: 45 },
      series,
    },
    'mean-ci',
  );
}

/** Distribution by arm: a box (Q1, median, Q3) with whiskers to the minimum and maximum. */
export function distributionChart(cells: VisitArmStatistics[], title: string, unit: string): string {
  const shown = cells.filter((cell) => cell.min !== null && cell.q1 !== null && cell.median !== null && cell.q3 !== null && cell.max !== null);
  return renderSvg(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 60, right: 30, top: 50, bottom: 50 },
      xAxis: { type: 'category', data: shown.map((cell) => `${cell.arm} (n=${cell.n})`) },
      yAxis: { type: 'value', scale: true, name: unit, nameLocation: 'middle', nameGap: 45 },
      series: [
        {
          type: 'boxplot',
          data: shown.map((cell) => [cell.min, cell.q1, cell.median, cell.q3, cell.max].map((value) => round(value, 2))),
          itemStyle: { color: '#dce8f5', borderColor: PALETTE[0] },
        },
        {
          // The median printed beside each box.
          type: 'scatter',
          symbolSize: 0,
          data: shown.map((cell, index) => [index, round(cell.median, 2)]),
          label: { show: true, position: 'right', formatter: (point: { value: number[] }) => `median ${point.value[1]}`, fontSize: 10 },
        },
      ],
    },
    'distribution',
  );
}
