import { Chart, Filler, LinearScale, LineController, LineElement, PointElement, TimeScale, Tooltip } from 'chart.js';
import 'chartjs-adapter-date-fns';

Chart.register(LineController, LineElement, PointElement, LinearScale, TimeScale, Tooltip, Filler);

export interface HistoryPoint {
  t: string;
  index: number | null;
  count: number;
  maxScore: number;
}

/**
 * The global risk index as a time series. The canvas carries data-points and data-last so a
 * test (or a curious user in devtools) can see what is drawn without reading pixels.
 */
interface ChartPoint {
  x: number;
  y: number;
  count?: number;
}

export function createRiskChart(canvas: HTMLCanvasElement) {
  const chart = new Chart<'line', ChartPoint[]>(canvas, {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'Risk index',
          data: [],
          borderColor: '#f0883e',
          backgroundColor: 'rgba(240, 136, 62, 0.15)',
          fill: true,
          pointRadius: 2,
          tension: 0.25,
          spanGaps: true,
        },
        {
          label: 'Max score',
          data: [],
          borderColor: 'rgba(248, 81, 73, 0.5)',
          borderDash: [4, 4],
          pointRadius: 0,
          fill: false,
          spanGaps: true,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'time', time: { unit: 'hour', tooltipFormat: 'PPpp' }, ticks: { color: '#8b98a5' }, grid: { color: '#26313d' } },
        y: { min: 0, max: 100, ticks: { color: '#8b98a5' }, grid: { color: '#26313d' } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            afterLabel: (item) => {
              const p = (item.raw as { count?: number }).count;
              return p === undefined ? '' : `${p} statement(s)`;
            },
          },
        },
      },
    },
  });

  return {
    update(points: HistoryPoint[], range: { from: number; to: number }) {
      const withData = points.filter((p) => p.index !== null);
      chart.data.datasets[0]!.data = withData.map((p) => ({ x: Date.parse(p.t), y: p.index as number, count: p.count }));
      chart.data.datasets[1]!.data = withData.map((p) => ({ x: Date.parse(p.t), y: p.maxScore }));
      const x = chart.options.scales!.x!;
      x.min = range.from;
      x.max = range.to;
      chart.update();
      const last = withData[withData.length - 1];
      canvas.dataset.points = String(withData.length);
      canvas.dataset.last = last ? `${last.t}|${last.index}|${last.count}` : '';
    },
  };
}
