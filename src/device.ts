// Device names and their parsing (which devices exist: runtime.ts).

export type DeviceName = 'cpu' | 'cuda';

export function parseDevice(op: string, device: unknown): DeviceName {
  if (device === undefined) return 'cpu';
  if (device === 'cpu' || device === 'cuda') return device;
  if (device === 'cuda:0') return 'cuda';
  throw new Error(`${op}: unknown device ${JSON.stringify(device)}, expected 'cpu' or 'cuda'`);
}
