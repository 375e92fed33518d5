"""Draws the app icons (public/icon-192.png, icon-512.png, maskable) from the same shapes as favicon.svg."""
import os

from PIL import Image, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for size, name, pad in [(192, "icon-192.png", 0), (512, "icon-512.png", 0), (512, "icon-maskable-512.png", 0.1)]:
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    s = size / 64
    if pad:
        d.rectangle([0, 0, size, size], fill="#1f3b57")
        s *= 1 - 2 * pad
    else:
        d.rounded_rectangle([0, 0, size - 1, size - 1], radius=12 * s, fill="#1f3b57")
    off = pad * size
    for cx, cy, r, col in [(16, 44, 7, "#ffd123"), (32, 44, 7, "#ffd123"), (48, 44, 7, "#ffd123"), (24, 22, 6, "#54b5b5"), (40, 22, 6, "#54b5b5")]:
        d.ellipse([off + (cx - r) * s, off + (cy - r) * s, off + (cx + r) * s, off + (cy + r) * s], fill=col)
    im.save(os.path.join(ROOT, "public", name))
print("icons written")
