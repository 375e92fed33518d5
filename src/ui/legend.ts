/**
 * The element legend under the view: each element drawn, with the colour the view gives it (view/palette: Jmol's,
 * unless too close to another element shown, then moved and the Jmol colour named). Rewritten only when the set
 * of elements changes (not per slider tick).
 */
import { element } from '../core/elements';
import { drawnColours } from '../view/palette';
import { $, el } from './dom';

export function showLegend(numbers: ArrayLike<number> | null): void {
  const zs = numbers ? [...new Set(Array.from(numbers))].sort((a, b) => a - b) : [];
  const box = $('legend'), key = zs.join();
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  const colours = drawnColours(zs);
  box.replaceChildren(...zs.map((z) => {
    const c = colours.get(z)!, moved = c.jmol ? ` (Jmol's ${c.jmol} is too close to another element shown)` : '';
    return el('span', { class: 'legend-item', title: `${element(z).name}: ${c.color}${moved}`, 'data-z': String(z), 'data-color': c.color }, el('span', { class: 'swatch', style: `background:${c.color}` }), element(z).symbol);
  }));
  box.hidden = zs.length === 0;
}
