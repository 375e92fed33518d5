/**
 * Export panel: the interface on screen in every format io's format table can write (POSCAR, CIF, extended XYZ,
 * Quantum ESPRESSO, LAMMPS data, FHI-aims; written by the worker, right-handed), PNG (no gizmo; 1×, 2×, 4×;
 * white or transparent) and the text report.
 */
import { watch } from '../../state/watch';
import { report } from '../report';
import { formula } from '../../core/structure';
import { $, download, el, fileStem, hide, on, text } from '../dom';
import { disposer, type Panel } from './panel';

export const mountExport: Panel = (root, { store, wb, view, port }) => {
  const d = disposer();
  const stem = () => fileStem(wb.get().session.name);
  // One button per writable format, in the format table's order (the worker owns io).
  void port().writableFormats().then((formats) => {
    const box = $('export-formats');
    box.replaceChildren(
      ...formats.map((f) => {
        const b = el('button', { type: 'button', 'data-export': f.id, title: f.fileName ? `${f.label} (${f.fileName})` : f.label }, f.label.replace(/ POSCAR\/CONTCAR$/, ' POSCAR'));
        d.add(on(b, 'click', async () => {
          const s = wb.get().iface;
          if (s) download(f.fileName ?? `${stem()}.${f.extension.replace(/^\./, '')}`, await port().writeStructure(s, f.id));
        }));
        return b;
      }),
    );
  });
  d.add(on($('export-png'), 'click', async () => {
    const scale = Number($<HTMLSelectElement>('png-scale').value), background = $<HTMLSelectElement>('png-background').value as 'white' | 'transparent';
    const png = await view.toPng({ scale, background });
    if (png) download(`${stem()}.png`, png);
  }));
  const entry = (id: string | null) => store.get().structures.find((e) => e.structure.id === id);
  d.add(on($('export-report'), 'click', () => download(`${stem()}-report.txt`, report(wb.get(), { name: (id) => (entry(id) ? formula(entry(id)!.structure.numbers) : '?'), faces: (id) => entry(id)?.faces }))));
  d.add(watch(wb, (s) => [!!s.iface] as const, ([have]) => hide(root, !have)));
  // Which planes the exports fix comes from the options panel's fixed layers.
  d.add(watch(wb, (s) => [s.options.fixedLayers, s.options.layers] as const, ([fixed, layers]) =>
    text($('export-fixed'), fixed ? `POSCAR (selective dynamics), Quantum ESPRESSO and FHI-aims fix the bottom ${fixed} of the ${layers} slab layers (fixed layers, Interface panel).` : 'No atom is fixed (fixed layers 0, Interface panel).')));
  return d.dispose;
};
