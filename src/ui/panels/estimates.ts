/**
 * Estimates panel: for the interface on screen, the force-field value and the model (ONNX) value side by side,
 * binding energy in eV per film atom (positive = bound) and z-separation in Å, with the model's held-out
 * accuracy and its domain; the force-field model and backend; the model card. The table is built once and its
 * cells rewritten in place, so a slider tick changes only the numbers.
 */
import { FF_MODEL_LABELS, type FFModel } from '../../core/defaults';
import { watch } from '../../state/watch';
import type { WorkbenchState } from '../../state/workbench-model';
import { $, el, fmt, hide, on, text } from '../dom';
import { CARD_IMAGES } from '../card-images';
import { markdown } from '../markdown';
import { disposer, type Panel } from './panel';

export const mountEstimates: Panel = (root, { wb, port }) => {
  const d = disposer();
  const cell = (id: string) => el('td', { id, class: 'value' });
  const ffHead = el('th', {}, 'force field'), mlHead = el('th', {}, 'model');
  const ffAbout = el('p', { class: 'small muted', id: 'ff-about' }), mlAbout = el('p', { class: 'small muted', id: 'ml-about' });
  const table = el('table', { class: 'est-table' },
    el('thead', {}, el('tr', {}, el('th', {}, ''), ffHead, mlHead)),
    el('tbody', {},
      el('tr', {}, el('th', {}, 'E_bind '), cell('ff-ebind'), cell('ml-ebind')),
      el('tr', {}, el('th', {}, 'z-separation '), cell('ff-z'), cell('ml-z')),
      el('tr', {}, el('th', {}, 'total energy '), cell('ff-energy'), el('td', { class: 'muted' }, '–'))));
  const accuracy = el('p', { class: 'small muted', id: 'ml-accuracy' });
  const ood = el('p', { class: 'warn-text small', id: 'ood' });
  const stab = el('p', { class: 'small', id: 'p-stable' });
  const errors = el('p', { class: 'error-text small', id: 'est-errors' });
  $('estimates').replaceChildren(table, ffAbout, mlAbout, accuracy, stab, ood, errors);

  const draw = (s: WorkbenchState) => {
    const ff = s.live.ff, ml = s.live.ml;
    text(ffAbout, ff ? `Force field: ${FF_MODEL_LABELS[ff.model]} on ${ff.backend}${s.stack.length ? '; all interlayer pairs of the stack, per film atom' : ''}.` : '');
    text(mlAbout, ml ? `Model: ${ml.model.name} ${ml.model.version}${s.live.mlScope ? ` ${s.live.mlScope}` : ''}.` : '');
    text($('ff-ebind'), ff ? `${fmt(ff.bindingEnergy, 4)} eV/atom` : '–');
    text($('ff-z'), ff ? `${fmt(ff.zSeparation, 2)} Å` : '–');
    text($('ff-energy'), ff ? `${fmt(ff.energy, 4)} eV` : '–');
    text($('ml-ebind'), ml ? `${fmt(ml.bindingEnergy.value, 3)} ± ${fmt(ml.bindingEnergy.sigma, 3)} eV/atom` : '–');
    text($('ml-z'), ml ? `${fmt(ml.zSeparation.value, 2)} ± ${fmt(ml.zSeparation.sigma, 2)} Å` : '–');
    text(accuracy, ml ? `held-out RMSE on new films: ${fmt(ml.bindingEnergy.accuracy.leaveOneFilmOutRmse, 3)} eV/atom, ${fmt(ml.zSeparation.accuracy.leaveOneFilmOutRmse, 2)} Å; on new metals: ${fmt(ml.bindingEnergy.accuracy.leaveOneSubstrateOutRmse, 3)} eV/atom, ${fmt(ml.zSeparation.accuracy.leaveOneSubstrateOutRmse, 2)} Å (${ml.model.ebind} / ${ml.model.zsep}; 109 DFT records; σ calibrated for ${ml.bindingEnergy.sigmaCalibration})` : '');
    text(stab, ml && ml.pStable !== null && ml.stability ? `P(E_bind > E_form) = ${fmt(ml.pStable, 2)} with E_form ${fmt(ml.stability.formationEnergy.value, 3)} eV/atom (${ml.stability.formationEnergy.source}); how reliable P was on held-out records: model card, “Stability as a probability”.` : ml ? 'P(stable): no formation energy known for this film.' : '');
    text(ood, ml && !ml.inDomain ? `Outside the training domain — treat as a rough guess: ${ml.warnings.join('; ')}` : '');
    hide(ood, !ml || ml.inDomain);
    const errs = [s.live.ffError && `Force field: ${s.live.ffError}`, s.live.mlError && `ML estimate: ${s.live.mlError}`].filter(Boolean).join(' · ');
    text(errors, errs);
    hide(errors, !errs);
    text($('estimates-state'), s.live.pending ? 'updating…' : s.live.latencyMs !== undefined ? `updated in ${Math.round(s.live.latencyMs)} ms` : '');
  };
  d.add(watch(wb, (s) => [s.live, s.stack.length] as const, (_, s) => draw(s)));
  d.add(watch(wb, (s) => [!!s.iface] as const, ([have]) => hide(root, !have)));
  d.add(watch(wb, (s) => [s.ffStatus, s.live.ff?.backend, s.backend, s.ffModel] as const, (_, s) => {
    text($('ff-status'), s.ffStatus ? `force field runs on ${s.ffStatus.kind}${s.ffStatus.adapter ? ` (${s.ffStatus.adapter})` : ''}${s.ffStatus.notices.length ? ` — ${s.ffStatus.notices.join('; ')}` : ''}` : s.live.ff ? `force field runs on ${s.live.ff.backend}` : '');
    $<HTMLSelectElement>('ff-backend').value = s.backend;
    $<HTMLSelectElement>('ff-model').value = s.ffModel;
  }));
  d.add(on($('ff-model'), 'change', (ev) => wb.setFFModel((ev.target as HTMLSelectElement).value as FFModel)));
  d.add(on($('ff-backend'), 'change', (ev) => void wb.setBackend((ev.target as HTMLSelectElement).value as 'auto')));
  d.add(on($('model-card'), 'click', async () => {
    const info = await port().modelInfo();
    $('card-text').replaceChildren(...markdown(info.card, CARD_IMAGES));
    $<HTMLDialogElement>('card-dialog').showModal();
  }));
  return d.dispose;
};
