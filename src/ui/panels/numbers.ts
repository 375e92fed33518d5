/**
 * Interface numbers panel: supercell a, b, γ, c and area, the full composition, both supercell matrices of
 * every film with its principal strains, the strain tensor on film and substrate for the strain side chosen,
 * and the atoms of every layer (bottom to top, fixed planes said). Values are updated in place: a z tick
 * changes c and nothing else.
 */
import { formula } from '../../core/structure';
import { watch } from '../../state/watch';
import { interfaceNumbers, matrixText, tensorText } from '../interface-numbers';
import { $, el, fmt, hide, text } from '../dom';
import { disposer, type Panel } from './panel';

export const mountNumbers: Panel = (root, { store, wb }) => {
  const d = disposer();
  const body = $('numbers');
  const name = (id: string) => {
    const e = store.get().structures.find((x) => x.structure.id === id);
    return e ? formula(e.structure.numbers) : '?';
  };
  let labels = '';
  d.add(watch(wb, (s) => [s.iface, s.match, s.stack, s.options.strain] as const, (_, s) => {
    const n = interfaceNumbers(s, name);
    hide(root, !n);
    if (!n) return;
    const rows: [string, string][] = [
      ['a, b', `${fmt(n.a, 4)} Å, ${fmt(n.b, 4)} Å`],
      ['γ', `${fmt(n.gammaDeg, 3)}°`],
      ['c', `${fmt(n.c, 4)} Å`],
      ['area', `${fmt(n.area, 3)} Å²`],
      ['composition', `${n.composition} (${n.atoms} atoms)`],
      ...n.films.flatMap((f): [string, string][] => [[`${f.label}: film supercell`, matrixText(f.filmMatrix)], [`${f.label}: substrate supercell`, matrixText(f.substrateMatrix)]]),
      [`strain on film 1 (${n.strainSide})`, tensorText(n.filmStrain)],
      [`strain on substrate (${n.strainSide})`, tensorText(n.substrateStrain)],
      ...n.layers.map((l): [string, string] => [l.label, `${l.atoms} · ${l.composition}`]),
    ];
    // Rows are rebuilt only when the set of rows changes; otherwise only the values that differ are written.
    const key = rows.map((r) => r[0]).join('|');
    if (key !== labels) {
      labels = key;
      body.replaceChildren(...rows.map(([k]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}))));
    }
    rows.forEach(([, v], k) => text(body.children[k].children[1] as HTMLElement, v));
  }));
  return d.dispose;
};
