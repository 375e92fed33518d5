/** The interface report: a plain-text record of the interface for a lab notebook or a DFT input folder. */
import { faceDownLabel, type LayerFaces } from '../core/layer';
import { formula } from '../core/structure';
import { periodDeg, shownTwist, type WorkbenchState } from '../state/workbench-model';
import { fmt } from './dom';
import { interfaceNumbers, numbersText } from './interface-numbers';

/** What the report needs from the app store: a structure's name (formula) and its layer faces. */
export interface ReportContext {
  name(id: string): string;
  faces(id: string | null): LayerFaces | undefined;
}

const NO_CONTEXT: ReportContext = { name: () => '?', faces: () => undefined };

/** A plain-text record of the interface for a lab notebook or a DFT input folder. */
export function report(s: WorkbenchState, ctx: ReportContext = NO_CONTEXT): string {
  const m = s.match, i = s.iface;
  if (!m || !i) return 'no interface built\n';
  const L = [
    `heterolab interface report — ${new Date().toISOString()}`,
    `session: ${s.session.name}`,
    `structure: ${formula(i.numbers)}, ${i.numbers.length} atoms (${i.arrays.role ? Array.from(i.arrays.role).filter((r) => r > 0).length : 0} film atoms)`,
    `facet: (${(s.builtOptions ?? s.options).hkl.join(' ')}), ${s.options.layers} slab layers (${s.options.fixedLayers} fixed at the bottom), termination ${s.options.termination + 1}${s.terminations[s.options.termination] ? ` (${formula(Uint8Array.from(s.terminations[s.options.termination].top))} on top)` : ''}, vacuum ${s.options.vacuum} Å, film ${faceDownLabel(ctx.faces(s.filmId), (s.builtOptions ?? s.options).face)}, strain on ${s.options.strain}`,
    `match: area ${fmt(m.area, 3)} Å², principal strains ${fmt(100 * m.principalStrains[0], 3)} / ${fmt(100 * m.principalStrains[1], 3)} %, twist ${fmt(shownTwist(m.twist, s.twistPeriodDeg), 3)}° (period ${fmt(s.twistPeriodDeg, 0)}°)`,
    `  film supercell ${JSON.stringify(m.filmMatrix)}, substrate supercell ${JSON.stringify(m.substrateMatrix)}`,
    `placement: z-separation ${fmt(s.placement.zSeparation, 3)} Å, shift ${fmt(s.placement.shift[0], 4)}, ${fmt(s.placement.shift[1], 4)} (fractions of a, b)`,
    ...s.stack.flatMap((f, k) => [
      `stacked film ${k + 2} (${faceDownLabel(ctx.faces(f.filmId), f.face)}): twist ${fmt(shownTwist(f.match.twist, periodDeg(s, k + 1)), 3)}° (period ${fmt(periodDeg(s, k + 1), 0)}°), principal strains ${fmt(100 * f.match.principalStrains[0], 3)} / ${fmt(100 * f.match.principalStrains[1], 3)} %, z-separation ${fmt(f.placement.zSeparation, 3)} Å above film ${k + 1}, shift ${fmt(f.placement.shift[0], 4)}, ${fmt(f.placement.shift[1], 4)}`,
      `  film supercell ${JSON.stringify(f.match.filmMatrix)} on the cell below × ${JSON.stringify(f.match.substrateMatrix)}`,
    ]),
  ];
  const numbers = interfaceNumbers(s, ctx.name);
  if (numbers) L.push(...numbersText(numbers));
  if (s.live.ff) L.push(`force field (${s.live.ff.model}, cutoff 12 Å, ${s.live.ff.backend}): E = ${fmt(s.live.ff.energy, 6)} eV, E_bind = ${fmt(s.live.ff.bindingEnergy, 5)} eV/film atom`);
  if (s.relax) L.push(`pre-relaxation: z = ${fmt(s.relax.zSeparation, 3)} Å, E_bind = ${fmt(s.relax.bindingEnergy, 5)} eV/atom, ${s.relax.iterations} steps, ${s.relax.converged ? 'converged' : 'NOT converged'}`);
  if (s.live.ml) {
    const ml = s.live.ml;
    L.push(`ML (${ml.model.name} ${ml.model.version}; ${ml.model.ebind} / ${ml.model.zsep})${s.live.mlScope ? ` ${s.live.mlScope}` : ''}:`);
    L.push(`  E_bind = ${fmt(ml.bindingEnergy.value, 4)} ± ${fmt(ml.bindingEnergy.sigma, 4)} eV/atom (held-out RMSE, new films: ${fmt(ml.bindingEnergy.accuracy.leaveOneFilmOutRmse, 3)})`);
    L.push(`  z = ${fmt(ml.zSeparation.value, 3)} ± ${fmt(ml.zSeparation.sigma, 3)} Å (held-out RMSE, new films: ${fmt(ml.zSeparation.accuracy.leaveOneFilmOutRmse, 3)})`);
    L.push(`  in training domain: ${ml.inDomain ? 'yes' : `no — ${ml.warnings.join('; ')}`}`);
  }
  return L.join('\n') + '\n';
}
