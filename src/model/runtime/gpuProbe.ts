import type { BackendName } from './backends';

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(): Promise<{ info?: AdapterInfoLike; isFallbackAdapter?: boolean } | null>;
}

/**
 * Names the software renderer behind a GPU backend (SwiftShader when no GPU is present), or null for
 * real hardware. On a software renderer WebGPU and WebGL run far slower than wasm, so automatic
 * selection passes them over; a user can still pick them.
 */
export async function softwareRenderer(backend: BackendName): Promise<string | null> {
  if (backend === 'webgpu') {
    const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
    const adapter = await gpu?.requestAdapter();
    if (!adapter) return null; // tfjs reports the missing adapter itself
    const info = adapter.info ?? {};
    if (
      info.isFallbackAdapter ||
      adapter.isFallbackAdapter ||
      /swiftshader/i.test(`${info.vendor} ${info.architecture}`)
    ) {
      return `software adapter ${[info.vendor, info.architecture].filter(Boolean).join(' ')}`.trim();
    }
    return null;
  }
  if (backend === 'webgl') {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software/i.test(renderer)
      ? `software renderer (${renderer})`
      : null;
  }
  return null;
}
