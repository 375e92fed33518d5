/**
 * Charts: uPlot (small, fast, canvas) for line and point charts (registry maps: registry-map.ts). Each function
 * replaces whatever the container held; charts size to the container's width.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const charts = new WeakMap<HTMLElement, uPlot>();

function put(el: HTMLElement, opts: Omit<uPlot.Options, "width" | "height">, data: uPlot.AlignedData): uPlot {
  charts.get(el)?.destroy();
  el.replaceChildren();
  const u = new uPlot({ ...opts, width: Math.max(200, el.clientWidth || 260), height: 170 }, data, el);
  charts.set(el, u);
  return u;
}

export function clearChart(el: HTMLElement): void {
  charts.get(el)?.destroy();
  charts.delete(el);
  el.replaceChildren();
}

/** A vertical marker on a chart at x (data units), in a colour, with a short label. */
export interface ChartMark {
  x: number;
  colour: string;
  label: string;
}

/** A drawn line chart: its markers can be moved without recreating the chart. */
export interface LineChartHandle {
  setMarks(marks: ChartMark[]): void;
}

/**
 * A line chart of y(x); `onPick(x)` is called with the x under a click (when given). `yRange` fixes the
 * y-axis (values outside are clipped, so a steep wall cannot squash a shallow well); `dot` marks one point.
 */
export function lineChart(el: HTMLElement, x: number[], y: (number | null)[], o: { xLabel: string; yLabel: string; title: string; onPick?: (x: number) => void; marks?: ChartMark[]; yRange?: [number, number]; dot?: [number, number] }): LineChartHandle {
  let marks = o.marks ?? [];
  // With gaps (the twist scan: most angles have no cell) the line breaks into dashes a few px long, or nothing
  // for a lone value: show the points too.
  const isolated = y.includes(null) && y.some((v) => v !== null);
  const u = put(el, {
    title: o.title,
    scales: { x: { time: false }, ...(o.yRange ? { y: { range: () => o.yRange! } } : {}) },
    axes: [{ label: o.xLabel, size: 36 }, { label: o.yLabel, size: 56 }],
    series: [{ label: o.xLabel }, { label: o.yLabel, stroke: '#1f6feb', width: 1.5, spanGaps: false, points: { show: isolated, size: 6, fill: '#1f6feb' } }],
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    hooks: { draw: [(u) => drawMarks(el, u, marks), (u) => o.dot && dot(u, o.dot)] },
  }, [x, y]);
  if (o.onPick) u.over.addEventListener('click', () => u.cursor.left !== undefined && u.cursor.left >= 0 && o.onPick!(u.posToVal(u.cursor.left, 'x')));
  el.dataset.points = String(x.length);
  el.dataset.dots = isolated ? 'shown' : 'none';
  if (o.yRange) el.dataset.yRange = o.yRange.join(' ');
  const label = () => (el.dataset.marks = marks.map((m) => `${m.label}=${m.x}`).join(' '));
  label();
  return {
    setMarks(next) {
      marks = next;
      label();
      u.redraw(false, false);
    },
  };
}

/** Draws the markers and records their labels' boxes (CSS px in the chart's canvas) in `data-label-boxes`. */
function drawMarks(el: HTMLElement, u: uPlot, marks: ChartMark[]): void {
  const boxes: LabelBox[] = [];
  for (const m of marks) boxes.push(mark(u, m, boxes));
  el.dataset.labelBoxes = JSON.stringify(boxes);
}

type LabelBox = { label: string; left: number; top: number; right: number; bottom: number };
const hits = (p: LabelBox, q: LabelBox) => p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;

/** One marker; its label goes one line lower while it would cover a label already drawn (`taken`, CSS px). */
function mark(u: uPlot, m: ChartMark, taken: LabelBox[]): LabelBox {
  const px = u.valToPos(m.x, 'x', true);
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = m.colour;
  ctx.fillStyle = m.colour;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(px, u.bbox.top);
  ctx.lineTo(px, u.bbox.top + u.bbox.height);
  ctx.stroke();
  ctx.font = `${11 * devicePixelRatio}px sans-serif`;
  // uPlot leaves the context as its last axis set it (right-aligned): the label's box assumes left, alphabetic.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  // At the minimum "now" and "min" share an x: without this the second label was drawn over the first.
  const r = devicePixelRatio, x = px + 3 * r, w = ctx.measureText(m.label).width;
  let y = u.bbox.top + 12 * r;
  const box = (): LabelBox => ({ label: m.label, left: x / r, top: (y - 11 * r) / r, right: (x + w) / r, bottom: y / r });
  while (taken.some((t) => hits(t, box()))) y += 13 * r;
  ctx.fillText(m.label, x, y);
  ctx.restore();
  return box();
}

function dot(u: uPlot, [x, y]: [number, number]): void {
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = '#d81b60';
  ctx.beginPath();
  ctx.arc(u.valToPos(x, 'x', true), u.valToPos(y, 'y', true), 4 * devicePixelRatio, 0, 2 * Math.PI);
  ctx.fill();
  ctx.restore();
}

/** Points only: y against x (x need not be sorted; points are sorted for uPlot). */
export function pointChart(el: HTMLElement, x: number[], y: number[], o: { xLabel: string; yLabel: string; title: string; onPick?: (i: number) => void; tip?: (i: number) => string }): void {
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  const u = put(el, {
    title: o.title,
    scales: { x: { time: false } },
    axes: [{ label: o.xLabel, size: 36 }, { label: o.yLabel, size: 48 }],
    series: [{}, { stroke: '#1f6feb', fill: '#1f6feb', paths: () => null, points: { show: true, size: 6 } }],
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
  }, [order.map((i) => x[i]), order.map((i) => y[i])]);
  if (o.onPick) u.over.addEventListener('click', () => u.cursor.idx !== null && u.cursor.idx !== undefined && o.onPick!(order[u.cursor.idx]));
  el.dataset.points = String(x.length);
  // A tooltip for the point under the cursor (`tip` gets the caller's index).
  if (o.tip) {
    const tip = Object.assign(document.createElement('div'), { className: 'chart-tip', hidden: true });
    u.over.append(tip);
    u.over.addEventListener('mousemove', () => {
      const i = u.cursor.idx;
      tip.hidden = i === null || i === undefined;
      if (tip.hidden) return;
      tip.textContent = o.tip!(order[i!]);
      // Right of the cursor where it fits, else left of it: the tip stays inside the chart.
      const left = u.cursor.left ?? 0, w = u.over.clientWidth, tw = tip.offsetWidth;
      tip.style.cssText = `left:${left + 10 + tw <= w ? left + 10 : Math.max(0, left - 10 - tw)}px;top:${(u.cursor.top ?? 0) + 10}px`;
    });
    u.over.addEventListener('mouseleave', () => (tip.hidden = true));
  }
}
