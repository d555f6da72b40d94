// What this process has: its devices (the CPU always; a CUDA GPU when libcuda
// loads and reports one) and the native memory its tensors hold.
import { binding } from './backend/index.js';
import { type DeviceName } from './device.js';

export interface DeviceInfo {
  name: string;
  kind: DeviceName;
}

let cached: DeviceInfo[] | undefined;

/** The devices this process can use, e.g. `[{ kind: 'cpu', … }, { kind: 'cuda', name: 'NVIDIA H100…' }]`. */
export function devices(): DeviceInfo[] {
  cached ??= binding.devices().map((d) => ({ name: d.name, kind: d.kind as DeviceName }));
  return cached.map((d) => ({ ...d }));
}

export function hasCuda(): boolean {
  return devices().some((d) => d.kind === 'cuda');
}

export interface MemoryInfo {
  /** Live native tensors on all devices. */
  numTensors: number;
  /** Bytes held by live native tensors on all devices. */
  numBytes: number;
  /** The same per device. */
  devices: Record<string, { tensors: number; bytes: number }>;
}

/** Live native tensors and bytes, per device and in total (counted in Rust). */
export function memory(): MemoryInfo {
  const devices: MemoryInfo['devices'] = {};
  let numTensors = 0;
  let numBytes = 0;
  for (const m of binding.memoryUsage()) {
    devices[m.device] = { tensors: m.tensors, bytes: m.bytes };
    numTensors += m.tensors;
    numBytes += m.bytes;
  }
  return { numTensors, numBytes, devices };
}

/**
 * Gives the native allocators' free memory back to the operating system: the
 * large buffers kept for reuse and glibc's free heap pages. Kernels keep freed
 * memory so the next step's buffers need not fault in again; over a long run
 * that heap fragments, and its free pages stay resident. The training loops
 * call this after each evaluation (an idle point, every few hundred steps),
 * so the resident set tracks the live memory. Calling it every step would
 * make each step fault its buffers in afresh.
 * @example fv.releaseFreeMemory(); // after an evaluation pass
 */
export function releaseFreeMemory(): void {
  binding.releaseFreeMemory();
}
