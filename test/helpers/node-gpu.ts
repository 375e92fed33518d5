/**
 * WebGPU in Node through the `webgpu` package (Dawn). On machines without a GPU it needs a Vulkan driver:
 * Chromium's SwiftShader ICD, which scripts/test.sh points VK_ICD_FILENAMES at. Returns why it is missing
 * instead of throwing, so suites skip with a printed reason.
 */
export type NodeGPU = { ok: true; gpu: GPU; adapter: string; info: GPUAdapterInfo } | { ok: false; reason: string };

let cached: Promise<NodeGPU> | undefined;

export function nodeGPU(): Promise<NodeGPU> {
  cached ??= (async (): Promise<NodeGPU> => {
    try {
      const { create, globals } = await import('webgpu');
      Object.assign(globalThis, globals);
      const gpu = create([]) as unknown as GPU;
      // Dawn objects must stay reachable for the process's lifetime; the module-level cache keeps them.
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { ok: false, reason: `no WebGPU adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})` };
      const info = (adapter as GPUAdapter & { info: GPUAdapterInfo }).info;
      return { ok: true, gpu, adapter: [info.vendor, info.description].filter(Boolean).join(' '), info };
    } catch (e) {
      return { ok: false, reason: `the webgpu package did not load: ${(e as Error).message}` };
    }
  })();
  return cached;
}
