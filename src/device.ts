// Devices: the CPU always; a CUDA GPU when libcuda loads and reports one.
import { native } from './native.js';

export type DeviceName = 'cpu' | 'cuda';

export interface DeviceInfo {
  name: string;
  kind: DeviceName;
}

let cached: DeviceInfo[] | undefined;

/** The devices this process can use, e.g. `[{ kind: 'cpu', … }, { kind: 'cuda', name: 'NVIDIA H100…' }]`. */
export function devices(): DeviceInfo[] {
  cached ??= native.devices().map((d) => ({ name: d.name, kind: d.kind as DeviceName }));
  return cached.map((d) => ({ ...d }));
}

export function hasCuda(): boolean {
  return devices().some((d) => d.kind === 'cuda');
}

export function parseDevice(op: string, device: unknown): DeviceName {
  if (device === undefined) return 'cpu';
  if (device === 'cpu' || device === 'cuda') return device;
  if (device === 'cuda:0') return 'cuda';
  throw new Error(`${op}: unknown device ${JSON.stringify(device)}, expected 'cpu' or 'cuda'`);
}
