import { describe, expect, it } from 'vitest';
import { freeArea } from './free-area';

describe('free area of the canvas', () => {
  it('cuts a full-width toolbar from the top and a bottom bar from the bottom', () => {
    expect(freeArea(1000, 600, [{ left: 0, top: 0, right: 1000, bottom: 40 }, { left: 10, top: 520, right: 990, bottom: 590 }])).toEqual({ left: 0, top: 40, right: 1000, bottom: 520 });
  });

  it('cuts a tall narrow legend from its side, not from the top', () => {
    expect(freeArea(1000, 600, [{ left: 10, top: 300, right: 70, bottom: 500 }])).toEqual({ left: 70, top: 0, right: 1000, bottom: 600 });
  });

  it('an info card in the top-left corner and a toolbar on the right both go, leaving the larger rest', () => {
    const f = freeArea(1000, 600, [{ left: 10, top: 50, right: 400, bottom: 130 }, { left: 500, top: 5, right: 990, bottom: 45 }]);
    expect(f).toEqual({ left: 0, top: 130, right: 1000, bottom: 600 });
  });

  it('ignores an overlay that would leave less than a third of the canvas, and ones outside it', () => {
    expect(freeArea(900, 600, [{ left: 0, top: 0, right: 800, bottom: 500 }, { left: 950, top: 0, right: 990, bottom: 10 }])).toEqual({ left: 0, top: 0, right: 900, bottom: 600 });
  });
});
