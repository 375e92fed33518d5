/**
 * Export panel: the interface on screen in every format io's format table can write (POSCAR, CIF, extended XYZ,
 * Quantum ESPRESSO, LAMMPS data, FHI-aims; written by the worker, right-handed), PNG (no gizmo; 1×, 2×, 4×;
 * white or transparent) and the text report.
 */
import { watch } from '../../state/watch';
import { report } from '../report';
import { $, download, el, fileStem, hide, on } from '../dom';
import { disposer, type Panel } from './panel';

export const mountExport: Panel = (root, { wb, view, port }) => {
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
  d.add(on($('export-report'), 'click', () => download(`${stem()}-report.txt`, report(wb.get()))));
  d.add(watch(wb, (s) => [!!s.iface] as const, ([have]) => hide(root, !have)));
  return d.dispose;
};
