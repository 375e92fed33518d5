/**
 * Sphere impostors: one camera-facing quad per atom, shaded as a sphere in the fragment shader and written at the
 * sphere's depth, which the structure view uses for large structures instead of triangle spheres.
 */
import * as THREE from 'three';

/**
 * Above this many drawn atoms, atoms are drawn as sphere impostors (one camera-facing quad per atom, shaded as a
 * sphere in the fragment shader, with its depth) instead of triangle spheres: 2 triangles per atom instead of
 * ~100, which is what makes 10,000+ atoms orbit smoothly on a weak or software GPU.
 */
export const IMPOSTOR_ATOMS = 3000;

const IMPOSTOR_VERTEX = `
attribute vec3 centre;
attribute float radius;
attribute vec3 icolor;
varying vec2 vUv;
varying vec3 vColor;
varying vec3 vCentre;
varying float vRadius;
void main() {
  vec4 c = modelViewMatrix * vec4(centre, 1.0);
  vUv = position.xy;
  vColor = icolor;
  vCentre = c.xyz;
  vRadius = radius;
  c.xy += position.xy * radius;
  gl_Position = projectionMatrix * c;
}`;

const IMPOSTOR_FRAGMENT = `
uniform mat4 projectionMatrix;
varying vec2 vUv;
varying vec3 vColor;
varying vec3 vCentre;
varying float vRadius;
void main() {
  float r2 = dot(vUv, vUv);
  if (r2 > 1.0) discard;
  vec3 n = vec3(vUv, sqrt(1.0 - r2));
  vec3 l = normalize(vec3(0.35, 0.55, 1.0));
  float diffuse = max(dot(n, l), 0.0);
  float specular = pow(max(dot(reflect(-l, n), vec3(0.0, 0.0, 1.0)), 0.0), 24.0);
  vec4 p = projectionMatrix * vec4(vCentre + vec3(0.0, 0.0, n.z * vRadius), 1.0);
  gl_FragDepth = 0.5 * (p.z / p.w) + 0.5;
  gl_FragColor = vec4(vColor * (0.42 + 0.7 * diffuse) + 0.18 * specular, 1.0);
  #include <colorspace_fragment>
}`;

/** One quad per atom, shaded as a sphere: centres and radii in Å, colours linear RGB. */
export function impostorMesh(centres: Float32Array, radii: Float32Array, colours: Float32Array): THREE.Mesh {
  const g = new THREE.InstancedBufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(new Float32Array([-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0]), 3));
  g.setIndex([0, 1, 2, 0, 2, 3]);
  g.setAttribute('centre', new THREE.InstancedBufferAttribute(centres, 3));
  g.setAttribute('radius', new THREE.InstancedBufferAttribute(radii, 1));
  g.setAttribute('icolor', new THREE.InstancedBufferAttribute(colours, 3));
  g.instanceCount = radii.length;
  const mesh = new THREE.Mesh(g, new THREE.ShaderMaterial({ vertexShader: IMPOSTOR_VERTEX, fragmentShader: IMPOSTOR_FRAGMENT }));
  mesh.frustumCulled = false; // the quads' bounds are not the geometry's; the cell is small enough to draw whole
  return mesh;
}
