/**
 * Number inputs carry their range: min, max (and step 1 for whole numbers) are written onto the input from the one
 * definition the form checks with, so the browser's spinner and validity hints agree with it. A value typed
 * outside is not changed behind the user's back: the form refuses it with one message naming the field, the value
 * and the range (issue 13: "0 layers silently becoming 1").
 */
export interface NumberRange {
  label: string;
  min: number;
  max: number;
  integer?: boolean;
  /** Shown after numbers, with its leading space (' Å'), or ''. */
  unit: string;
}

/** Writes the range onto one input. Returns the unwiring (nothing to undo but kept for the panel's disposer). */
export function clampInput(input: HTMLInputElement, r: NumberRange): () => void {
  input.min = String(r.min);
  input.max = String(r.max);
  if (r.integer) input.step = '1';
  return () => undefined;
}
