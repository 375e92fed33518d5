/**
 * Library panel: search the built-in library (20 cubic metals, 53 Janus layers, 22 common 2D materials; every
 * number cited in src/core/library) by name, formula or element and family; add an entry to the structures
 * (it is then shown in 3D), open it as the film or the substrate, or download it as POSCAR or CIF.
 */
import { classifyStructure } from '../../core/layer';
import { libraryStructure, listLibrary } from '../../core/library/library';
import type { LibraryEntry, LibraryFamily } from '../../core/library/types';
import { $, download, el, on, text } from '../dom';
import { disposer, type Panel } from './panel';

/** Rows drawn at once; the count says how many more match. */
const SHOWN = 12;

function matching(q: string, family: string): LibraryEntry[] {
  const t = q.trim();
  const byText = t ? listLibrary({ family: (family || undefined) as LibraryFamily | undefined, text: t }) : listLibrary({ family: (family || undefined) as LibraryFamily | undefined });
  const byElement = t && /^[A-Z][a-z]?$/.test(t) ? listLibrary({ family: (family || undefined) as LibraryFamily | undefined, element: t }) : [];
  return [...new Set([...byText, ...byElement])];
}

export const mountLibrary: Panel = (root, { store, wb, port }) => {
  const d = disposer();
  const search = $<HTMLInputElement>('library-search'), family = $<HTMLSelectElement>('library-family'), list = $('library-list');
  const add = (e: LibraryEntry) => {
    const s = libraryStructure(e);
    store.addStructures([{ structure: s, file: `library: ${e.id}`, kind: classifyStructure(s) }]);
    return s;
  };
  const row = (e: LibraryEntry) => {
    const detail = `a = ${e.a.toFixed(3)} Å${e.family === 'metal' ? ` (${e.prototype})` : ` · ${e.prototype}${'formationEnergy' in e && e.formationEnergy !== null ? ` · E_form ${e.formationEnergy.toFixed(3)} eV/atom` : ''}`}${e.estimated ? ' · estimated' : ''}`;
    const role = e.family === 'metal' ? 'substrate' : 'film';
    const as = el('button', { type: 'button', class: 'link', 'data-library-role': e.id }, `as ${role}`);
    const addB = el('button', { type: 'button', class: 'link', 'data-library-add': e.id }, 'add');
    const fmt = (id: 'vasp' | 'cif', label: string) => {
      const b = el('button', { type: 'button', class: 'link', 'data-library-export': `${e.id}:${id}` }, label);
      d.add(on(b, 'click', async () => download(`${e.id}.${id}`, await port().writeStructure(libraryStructure(e), id))));
      return b;
    };
    d.add(on(as, 'click', () => wb.setRole(add(e).id, role)));
    d.add(on(addB, 'click', () => void add(e)));
    return el('li', { title: `${e.source}; ${e.method}` }, el('b', {}, e.id), ` ${e.formula} · `, el('span', { class: 'muted small' }, detail), ' ', as, ' ', addB, ' ', fmt('vasp', 'POSCAR'), ' ', fmt('cif', 'CIF'));
  };
  const draw = () => {
    const hits = matching(search.value, family.value);
    list.replaceChildren(...hits.slice(0, SHOWN).map(row));
    text($('library-count'), hits.length > SHOWN ? `(${SHOWN} of ${hits.length}; refine the search)` : `(${hits.length})`);
  };
  d.add(on(search, 'input', draw));
  d.add(on(family, 'change', draw));
  draw();
  void root;
  return d.dispose;
};
