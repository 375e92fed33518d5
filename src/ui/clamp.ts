/**
 * Number inputs held to their range: the range is written onto the input (min, max, and step 1 for whole
 * numbers) from the one definition the form checks with, and a value typed outside it is set to the nearest
 * bound with a note right after the input saying so. Text that is not a number is left to the form's own check.
 */
import { el, hide, text } from './dom';

export interface NumberRange {
  label: string;
  min: number;
  max: number;
  integer?: boolean;
  /** Shown after numbers, with its leading space (' Å'), or ''. */
  unit: string;
}

/** The text clamped into the range and the note saying what changed (note null when nothing did). */
export function clampValue(value: string, r: NumberRange): { value: string; note: string | null } {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || (x >= r.min && x <= r.max)) return { value, note: null };
  const to = x < r.min ? r.min : r.max;
  return { value: String(to), note: `${r.label} ${value.trim()}${r.unit} is outside ${r.min} to ${r.max}${r.unit}: set to ${to}${r.unit}` };
}

/** Wires one input: attributes from the range, clamping on change before the form reads it. Returns the unwiring. */
export function clampInput(input: HTMLInputElement, r: NumberRange): () => void {
  input.min = String(r.min);
  input.max = String(r.max);
  if (r.integer) input.step = '1';
  const note = el('span', { class: 'warn-text small clamp-note', role: 'status', 'data-for': input.id });
  note.hidden = true;
  input.after(note);
  const onChange = () => {
    const c = clampValue(input.value, r);
    input.value = c.value;
    text(note, c.note ?? '');
    hide(note, c.note === null);
  };
  // Capture on the input itself runs before the form's change listeners, so they read the clamped value.
  input.addEventListener('change', onChange, true);
  return () => {
    input.removeEventListener('change', onChange, true);
    note.remove();
  };
}
