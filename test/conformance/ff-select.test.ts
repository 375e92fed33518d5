import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/compute/ff/select';
import { describeAdapter } from '../../src/compute/ff/webgpu';
import { geometry } from '../helpers/geometry';

/**
 * Backend choice against adapters that describe themselves (no GPU needed): which adapters count as software,
 * and that 'auto' does not spend a device on one when wasm is there. The real SwiftShader adapter is checked
 * in ff-webgpu.test.ts.
 */
type Info = { vendor?: string; architecture?: string; description?: string; device?: string; isFallbackAdapter?: boolean };

function fakeGPU(info: Info, onDevice: () => void = () => undefined): GPU {
  const adapter = {
    info,
    requestDevice: async () => {
      onDevice();
      throw new Error('no device in this fake');
    },
  };
  return { requestAdapter: async () => adapter } as unknown as GPU;
}

describe('software WebGPU adapters', () => {
  it.each([
    [{ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0' }, true],
    [{ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, true],
    [{ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' }, true],
    [{ vendor: 'intel', architecture: 'gen-12lp', isFallbackAdapter: true }, true],
    [{ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3060' }, false],
    [{ vendor: 'apple', architecture: 'metal-3' }, false],
    [{}, false],
  ] as [Info, boolean][])('%o → software %s', (info, software) => {
    expect(describeAdapter({ info } as unknown as GPUAdapter).software).toBe(software);
  });
  it('the deprecated GPUAdapter.isFallbackAdapter counts too, and the label names the adapter', () => {
    const d = describeAdapter({ isFallbackAdapter: true, info: { vendor: 'acme', architecture: 'x1' } } as unknown as GPUAdapter);
    expect(d).toEqual({ label: 'acme x1', software: true });
  });
});

describe('auto with a software adapter', () => {
  it('picks wasm without requesting a device, and the notice names the adapter and says why', async () => {
    let devices = 0;
    const gpu = fakeGPU({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0' }, () => devices++);
    const b = await selectBackend('auto', { gpu, geometry: await geometry() });
    expect(b.kind).toBe('wasm');
    expect(devices).toBe(0);
    expect(b.notices).toEqual(['the WebGPU adapter (google swiftshader SwiftShader driver 5.0.0) renders in software, slower than wasm; using wasm (choose webgpu to run it anyway)']);
  });
  it('an explicit webgpu choice still asks the software adapter for a device', async () => {
    let devices = 0;
    const gpu = fakeGPU({ vendor: 'google', architecture: 'swiftshader' }, () => devices++);
    const b = await selectBackend('webgpu', { gpu, geometry: await geometry() });
    expect(devices).toBe(1);
    // This fake has no device to give, so the choice falls back, saying so.
    expect(b.notices.join()).toMatch(/WebGPU unavailable \(no device in this fake\); using wasm/);
  });
  it('auto on a hardware adapter asks for a device (here the fake refuses, and wasm runs with the reason)', async () => {
    let devices = 0;
    const gpu = fakeGPU({ vendor: 'nvidia', architecture: 'ampere' }, () => devices++);
    const b = await selectBackend('auto', { gpu, geometry: await geometry() });
    expect(devices).toBe(1);
    expect(b.kind).toBe('wasm');
  });
  it('without wasm, auto still uses a software adapter rather than the TypeScript reference', async () => {
    let devices = 0;
    const gpu = fakeGPU({ vendor: 'google', architecture: 'swiftshader' }, () => devices++);
    await selectBackend('auto', { gpu, geometry: null });
    expect(devices).toBe(1);
  });
});
