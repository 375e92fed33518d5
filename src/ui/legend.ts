/**
 * The element legend under the view: each element drawn, with the colour the view gives it. Rewritten only when
 * the set of elements changes (not per slider tick).
 */
import { element } from '../core/elements';
import { $, el } from './dom';

export function showLegend(numbers: ArrayLike<number> | null): void {
  const zs = numbers ? [...new Set(Array.from(numbers))].sort((a, b) => a - b) : [];
  const box = $('legend'), key = zs.join();
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(...zs.map((z) => el('span', { class: 'legend-item', title: element(z).name }, el('span', { class: 'swatch', style: `background:${element(z).color}` }), element(z).symbol)));
  box.hidden = zs.length === 0;
}
