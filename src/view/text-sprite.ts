import * as THREE from 'three';

/** Textures of drawn strings, shared by every sprite showing the same text and colour. */
const TEXTURES = new Map<string, { texture: THREE.CanvasTexture; aspect: number }>();

function texture(text: string, colour: string, plate: boolean) {
  const key = `${text}|${colour}|${plate}`;
  let t = TEXTURES.get(key);
  if (!t) {
    const c = document.createElement('canvas'), ctx = c.getContext('2d')!, px = 48;
    ctx.font = `600 ${px}px system-ui, sans-serif`;
    c.width = Math.ceil(ctx.measureText(text).width + px * 0.5);
    c.height = Math.ceil(px * 1.3);
    ctx.font = `600 ${px}px system-ui, sans-serif`;
    if (plate) {
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(0, 0, c.width, c.height);
    } else {
      // A light halo keeps dark text readable over dark atoms.
      ctx.strokeStyle = 'rgba(255,255,255,0.9)';
      ctx.lineWidth = px / 6;
      ctx.strokeText(text, px * 0.25, px * 1.0);
    }
    ctx.fillStyle = colour;
    ctx.fillText(text, px * 0.25, px * 1.0);
    const texture = new THREE.CanvasTexture(c);
    texture.colorSpace = THREE.SRGBColorSpace;
    t = { texture, aspect: c.width / c.height };
    TEXTURES.set(key, t);
  }
  return t;
}

/**
 * A camera-facing text label drawn over the atoms (no depth test) so it is never hidden inside the sphere it
 * names: `height` world units tall, or, with `px`, that many CSS pixels on screen at any zoom (`scaleSprites`
 * sets it before each frame). `plate`: on a white plate (measurement values) rather than with a halo.
 */
export function textSprite(text: string, colour: string, height: number, plate = false, px?: number): THREE.Sprite {
  const t = texture(text, colour, plate);
  const s = new THREE.Sprite(new THREE.SpriteMaterial({ map: t.texture, depthTest: false, depthWrite: false, transparent: true, sizeAttenuation: px === undefined }));
  s.scale.set(height * t.aspect, height, 1);
  s.renderOrder = 10;
  if (px !== undefined) s.userData.px = { px, aspect: t.aspect };
  return s;
}

/**
 * Gives every fixed-pixel label under `root` its size for this frame. `perPx`: world units per CSS pixel (at
 * distance 1 for a perspective camera, whose non-attenuated sprites scale with depth in the shader).
 */
export function scaleSprites(root: THREE.Object3D, perPx: number): void {
  root.traverse((o) => {
    const u = o.userData.px as { px: number; aspect: number } | undefined;
    if (u && o instanceof THREE.Sprite) o.scale.set(u.px * perPx * u.aspect, u.px * perPx, 1);
  });
}

/** Frees what `textSprite`s under `root` hold (their materials; the shared textures stay). */
export function disposeSprites(root: THREE.Object3D): void {
  root.traverse((o) => {
    if (o instanceof THREE.Sprite) o.material.dispose();
  });
}
