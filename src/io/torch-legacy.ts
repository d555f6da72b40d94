// A reader for PyTorch's legacy serialization (torch.save before 1.6, and after it
// with _use_new_zipfile_serialization=False): no zip, five parts back to back —
//   1. a pickle of the magic number 0x1950a86a20f9469cfc6c
//   2. a pickle of the protocol version (1001)
//   3. a pickle of sys_info {protocol_version, little_endian, type_sizes}
//   4. the object's pickle, each tensor a torch._utils._rebuild_tensor_v2(storage,
//      offset, size, stride, …) whose storage is a persistent id
//      ('storage', torch.FloatStorage, key, location, numel, view_metadata)
//   5. a pickle of the storage keys, in the order the storages follow
//   then each storage: its element count (int64, little-endian) and its raw bytes.
// The pickles are parsed by the npm package `pickleparser`; only the globals a
// state dict needs are accepted (anything else is an error, nothing is executed).
// Part 1's 10-byte integer is beyond pickleparser's LONG1, so it is compared
// byte for byte.
import { BufferReader, NameRegistry, Parser } from 'pickleparser';
import { fail } from '../errors.js';

/** A tensor read from the file: its dtype as PyTorch names the storage, its shape and values (row-major). */
export interface TorchTensor {
  dtype: 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';
  shape: number[];
  /** float16 and bool come as their raw bits (Uint16Array, Uint8Array). */
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;
}

/** Storage class → element dtype and byte size. */
const STORAGES: Record<string, [TorchTensor['dtype'], number]> = {
  FloatStorage: ['float32', 4],
  DoubleStorage: ['float64', 8],
  HalfStorage: ['float16', 2],
  LongStorage: ['int64', 8],
  IntStorage: ['int32', 4],
  ShortStorage: ['int16', 2],
  CharStorage: ['int8', 1],
  ByteStorage: ['uint8', 1],
  BoolStorage: ['bool', 1],
};

const MAGIC = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
const PROTOCOL_VERSION = 1001;

class StorageType {
  constructor(readonly name: string) {}
}

interface StorageRef {
  type: StorageType;
  key: string;
  numel: number;
  /** A view of another storage: [its key, element offset, elements]. */
  view?: [string, number, number];
}

interface TensorRef {
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

const isTensorRef = (v: unknown): v is TensorRef => typeof v === 'object' && v !== null && 'storage' in v && 'stride' in v;

/** Every global a pickled state dict refers to; any other is refused. */
class StateDictNames extends NameRegistry {
  constructor(private readonly what: string) {
    super();
    const dict = function OrderedDict(): Map<unknown, unknown> {
      const m = new Map<unknown, unknown>();
      // OrderedDict's state (a state dict's _metadata) is not needed.
      Object.defineProperty(m, '__setstate__', { value: () => {}, enumerable: false });
      return m;
    };
    this.register('collections', 'OrderedDict', dict);
    this.register('torch._utils', '_rebuild_tensor_v2', (storage: StorageRef, offset: number, size: number[], stride: number[]): TensorRef => ({ storage, offset, size, stride }));
    this.register('torch._utils', '_rebuild_tensor', (storage: StorageRef, offset: number, size: number[], stride: number[]): TensorRef => ({ storage, offset, size, stride }));
    this.register('torch._utils', '_rebuild_parameter', (data: TensorRef) => data);
  }

  /** torch.FloatStorage and its kin: a marker the persistent ids carry. */
  override resolve(module: string, name: string): (...args: never[]) => unknown {
    if (module === 'torch' && name in STORAGES) return Object.assign(() => fail('io.loadTorchLegacy', `${this.what}: torch.${name} called`), { storageType: new StorageType(name) });
    return super.resolve(module, name) as (...args: never[]) => unknown;
  }

  override onMissingName(module: string, name: string): never {
    return fail('io.loadTorchLegacy', `${this.what}: the pickle refers to ${module}.${name}, which a state dict of tensors does not use; only plain state dicts are read`);
  }
}

/** The storage a persistent id names. */
function storageRef(what: string, pid: unknown): StorageRef {
  const op = 'io.loadTorchLegacy';
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) fail(op, `${what}: unexpected persistent id ${JSON.stringify(pid)}`);
  const cls = pid[1] as { storageType?: StorageType };
  if (!(cls?.storageType instanceof StorageType)) fail(op, `${what}: persistent id ${String(pid[2])} has no known storage type`);
  const numel = Number(pid[4]);
  const view = pid[5];
  const ref: StorageRef = { type: cls.storageType, key: String(pid[2]), numel };
  if (Array.isArray(view)) ref.view = [String(view[0]), Number(view[1]), Number(view[2])];
  return ref;
}

function decode(dtype: TorchTensor['dtype'], bytes: Uint8Array): TorchTensor['data'] {
  // Copied out so the result is aligned and owns its memory (a Node Buffer's
  // slice() would share the file's).
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const b = copy.buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(b);
    case 'float64':
      return new Float64Array(b);
    case 'float16':
      return new Uint16Array(b);
    case 'int64':
      return new BigInt64Array(b);
    case 'int32':
      return new Int32Array(b);
    case 'int16':
      return new Int16Array(b);
    case 'int8':
      return new Int8Array(b);
    default:
      return new Uint8Array(b);
  }
}

/** Elements of `storage` at offset + Σ index·stride for every index of `size`, row-major. */
function gather(storage: TorchTensor['data'], offset: number, size: number[], stride: number[]): TorchTensor['data'] {
  const n = size.reduce((a, b) => a * b, 1);
  const contiguous = size.every((_, i) => size[i] === 1 || stride[i] === size.slice(i + 1).reduce((a, b) => a * b, 1));
  if (contiguous) return storage.slice(offset, offset + n) as TorchTensor['data'];
  const out = new (storage.constructor as new (n: number) => TorchTensor['data'])(n);
  const idx = size.map(() => 0);
  for (let i = 0; i < n; i++) {
    let at = offset;
    for (let d = 0; d < size.length; d++) at += idx[d]! * stride[d]!;
    out[i] = storage[at] as never;
    for (let d = size.length - 1; d >= 0; d--) {
      if (++idx[d]! < size[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * The tensors of a state dict saved in PyTorch's legacy format, by name (in file
 * order). `what` names the file in errors. Truncated files, a wrong magic number,
 * the zip format and objects other than a dict of tensors are errors naming `what`.
 * @example const sd = fv.io.loadTorchLegacy(readFileSync('model.pth'), 'model.pth'); // sd['_fc.weight'].shape
 */
export function loadTorchLegacy(buf: Uint8Array, what = '<buffer>'): Record<string, TorchTensor> {
  const op = 'io.loadTorchLegacy';
  if (buf.length >= 2 && buf[0] === 0x50 && buf[1] === 0x4b) {
    fail(op, `${what} is a zip-format PyTorch file (torch.save since 1.6); this reader reads the legacy format only`);
  }
  const magicOk = buf.length >= 15 && buf[0] === 0x80 && buf[1]! >= 2 && buf[1]! <= 5 && MAGIC.every((b, i) => buf[2 + i] === b);
  if (!magicOk) fail(op, `${what} is not a legacy PyTorch file (no magic number at its start)`);
  const reader = new BufferReader(buf.subarray(15));
  const storages = new Map<string, StorageRef>();
  const parser = new Parser({
    nameResolver: new StateDictNames(what),
    unpicklingTypeOfDictionary: 'Map',
    persistentResolver: {
      resolve: (pid: unknown) => {
        const ref = storageRef(what, pid);
        storages.set(ref.key, storages.get(ref.key) ?? ref);
        return storages.get(ref.key);
      },
    },
  });
  const read = <T>(part: string): T => {
    try {
      return parser.read<T>(reader);
    } catch (e) {
      return fail(op, `${what}: cannot read its ${part} (${(e as Error).message}); the file is truncated or not a PyTorch file`);
    }
  };
  const version = read<unknown>('protocol version');
  if (version !== PROTOCOL_VERSION) fail(op, `${what}: protocol version ${String(version)}, expected ${PROTOCOL_VERSION}`);
  const sysInfo = read<Map<string, unknown>>('sys_info');
  if (!(sysInfo instanceof Map) || sysInfo.get('little_endian') !== true) fail(op, `${what}: written on a big-endian machine, which this reader does not read`);
  const root = read<unknown>('object');
  const keys = read<unknown>('storage keys');
  if (!Array.isArray(keys)) fail(op, `${what}: the storage key list is not a list`);
  // The storages follow in key order, each an int64 element count and its bytes.
  const bytes = new Map<string, TorchTensor['data']>();
  let at = 15 + reader.position;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (const key of keys as unknown[]) {
    const ref = storages.get(String(key));
    if (!ref) fail(op, `${what}: storage ${String(key)} is listed but no tensor uses it`);
    const [dtype, size] = STORAGES[ref.type.name]!;
    if (at + 8 > buf.length) fail(op, `${what} is truncated: storage ${String(key)} (${ref.numel} × ${dtype}) is missing (file ends at byte ${buf.length})`);
    const numel = Number(view.getBigInt64(at, true));
    if (numel !== ref.numel) fail(op, `${what}: storage ${String(key)} holds ${numel} elements, its tensors say ${ref.numel}`);
    at += 8;
    if (at + numel * size > buf.length) fail(op, `${what} is truncated: storage ${String(key)} needs ${numel * size} bytes at byte ${at}, the file ends at byte ${buf.length}`);
    bytes.set(String(key), decode(dtype, buf.subarray(at, at + numel * size)));
    at += numel * size;
  }
  if (at !== buf.length) fail(op, `${what}: ${buf.length - at} bytes after the last storage`);
  // A state dict, or a checkpoint dict holding one under 'state_dict'.
  const dict = root instanceof Map && root.get('state_dict') instanceof Map ? (root.get('state_dict') as Map<unknown, unknown>) : root;
  if (!(dict instanceof Map)) fail(op, `${what}: the saved object is not a state dict (a dict of tensors)`);
  const out: Record<string, TorchTensor> = {};
  for (const [name, t] of dict as Map<unknown, unknown>) {
    if (!isTensorRef(t)) fail(op, `${what}: entry ${String(name)} is not a tensor`);
    const [rootKey, viewOffset] = t.storage.view ? [t.storage.view[0], t.storage.view[1]] : [t.storage.key, 0];
    const data = bytes.get(rootKey);
    if (!data) fail(op, `${what}: the storage of ${String(name)} (key ${rootKey}) is not in the file`);
    const [dtype] = STORAGES[t.storage.type.name]!;
    const size = t.size.map(Number);
    const n = size.reduce((a, b) => a * b, 1);
    const last = viewOffset + Number(t.offset) + size.reduce((s, d, i) => s + (d - 1) * Number(t.stride[i]), 0);
    if (n > 0 && last >= data.length) fail(op, `${what}: tensor ${String(name)} reaches past its storage`);
    out[String(name)] = { dtype, shape: size, data: n === 0 ? decode(dtype, new Uint8Array(0)) : gather(data, viewOffset + Number(t.offset), size, t.stride.map(Number)) };
  }
  return out;
}
