/** Export panel: the interface on screen as POSCAR, CIF or extended XYZ (written by the worker), PNG (no gizmo; 1×, 2×, 4×; white or transparent) and the text report. */
import { watch } from '../../state/watch';
import { report } from '../report';
import { $, download, fileStem, hide, on } from '../dom';
import { disposer, type Panel } from './panel';

const EXT = { vasp: '.vasp', cif: '.cif', extxyz: '.extxyz' } as const;

export const mountExport: Panel = (root, { wb, view, port }) => {
  const d = disposer();
  const stem = () => fileStem(wb.get().session.name);
  for (const b of root.querySelectorAll<HTMLButtonElement>('[data-export]'))
    d.add(on(b, 'click', async () => {
      const s = wb.get().iface;
      if (!s) return;
      const f = b.dataset.export as keyof typeof EXT;
      download(`${stem()}${EXT[f]}`, await port().writeStructure(s, f));
    }));
  d.add(on($('export-png'), 'click', async () => {
    const scale = Number($<HTMLSelectElement>('png-scale').value), background = $<HTMLSelectElement>('png-background').value as 'white' | 'transparent';
    const png = await view.toPng({ scale, background });
    if (png) download(`${stem()}.png`, png);
  }));
  d.add(on($('export-report'), 'click', () => download(`${stem()}-report.txt`, report(wb.get()))));
  d.add(watch(wb, (s) => [!!s.iface] as const, ([have]) => hide(root, !have)));
  return d.dispose;
};
