//! Tensors as JavaScript sees them: ids into a per-thread table.
//!
//! A kernel's result goes into the table and JavaScript gets `[id, kind,
//! ...shape]` (`NewTensor`); later calls pass the id back (`TensorRef`, or
//! `TensorMut` for the kernels that update a tensor in place), and `free(id)`
//! drops the tensor, and with it its buffer, there and then.
//!
//! Why not one napi object per tensor (a `#[napi]` class, or an `External`):
//! Node runs the finalizers of such objects only when the event loop turns
//! (node_api.cc queues them and drains the queue in a SetImmediate), so a
//! synchronous training loop that makes tens of thousands of tensors a step
//! piles up their wrappers, napi references and finalizer records without
//! bound even when every tensor is disposed (issue 17: an MLP grew 54 → 246 MB
//! over 15,000 steps with 24 live tensors). An id is a plain number: nothing
//! waits for the event loop, and disposing frees the buffer synchronously.
//!
//! The bytes the table holds are reported to V8 (`napi_adjust_external_memory`),
//! so a program that drops tensors without disposing them makes V8 collect
//! their JavaScript owners, whose FinalizationRegistry then frees the ids
//! (src/native.ts).

use std::cell::RefCell;
use std::rc::Rc;

use foveate_kernels::{memory, DType, Device, Tensor};
use napi::bindgen_prelude::{
    Float32ArraySlice, FromNapiValue, Int32ArraySlice, ToNapiValue, TypeName, ValidateNapiValue,
    ValueType,
};
use napi::{sys, Env, Error, Result};
use napi_derive::napi;

pub fn js_error(e: foveate_kernels::Error) -> Error {
    Error::from_reason(e.0)
}

pub fn dims(op: &str, shape: &[f64]) -> Result<Vec<usize>> {
    shape
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            if d.is_finite() && d >= 0.0 && d.fract() == 0.0 && d <= u32::MAX as f64 {
                Ok(d as usize)
            } else {
                Err(Error::from_reason(format!(
                    "{op}: shape[{i}] = {d} is not a non-negative integer"
                )))
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The table.

/// An id is `generation · 2³² + slot`: a freed slot gets a new generation, so a
/// stale id (a tensor freed twice, or freed and its slot reused) finds nothing.
const SLOT_BITS: f64 = 4_294_967_296.0;
/// Generations wrap below this, keeping ids exact in an f64.
const GENERATIONS: u32 = 1 << 20;

enum State {
    Free,
    Live(Rc<Tensor>),
    /// Taken out by a `TensorMut` for the length of one call.
    Lent,
}

struct Slot {
    generation: u32,
    state: State,
}

#[derive(Default)]
struct Table {
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Bytes added or removed since V8 was last told (see `report`).
    unreported: i64,
    /// Calls of `free`, for `STALE_CHECK_EVERY`.
    frees: u64,
}

/// Why an id did not lead to a tensor.
#[derive(Clone, Copy)]
enum Miss {
    /// Freed, never made, or not an id at all.
    Gone,
    /// Lent to a `TensorMut` of the same call: the same tensor passed twice.
    Lent,
}

impl Table {
    fn slot(&mut self, id: f64) -> Option<&mut Slot> {
        if !(id.is_finite() && id >= 0.0 && id.fract() == 0.0) {
            return None;
        }
        let generation = (id / SLOT_BITS).floor();
        let index = id - generation * SLOT_BITS;
        let slot = self.slots.get_mut(index as usize)?;
        (slot.generation as f64 == generation).then_some(slot)
    }

    fn insert(&mut self, t: Tensor) -> f64 {
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    state: State::Free,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let slot = &mut self.slots[index as usize];
        slot.state = State::Live(Rc::new(t));
        slot.generation as f64 * SLOT_BITS + index as f64
    }

    fn lookup(&mut self, id: f64) -> std::result::Result<Rc<Tensor>, Miss> {
        match self.slot(id).map(|s| &s.state) {
            Some(State::Live(t)) => Ok(Rc::clone(t)),
            Some(State::Lent) => Err(Miss::Lent),
            _ => Err(Miss::Gone),
        }
    }

    fn lend(&mut self, id: f64) -> std::result::Result<Rc<Tensor>, Miss> {
        let slot = self.slot(id).ok_or(Miss::Gone)?;
        match std::mem::replace(&mut slot.state, State::Lent) {
            State::Live(t) => Ok(t),
            State::Lent => Err(Miss::Lent),
            State::Free => {
                slot.state = State::Free;
                Err(Miss::Gone)
            }
        }
    }

    fn give_back(&mut self, id: f64, t: Rc<Tensor>) {
        if let Some(slot) = self.slot(id) {
            slot.state = State::Live(t);
        }
    }

    /// Takes the tensor out of its slot (which gets a new generation); None for a stale id.
    fn remove(&mut self, id: f64) -> Option<Rc<Tensor>> {
        let slot = self.slot(id)?;
        let State::Live(t) = std::mem::replace(&mut slot.state, State::Free) else {
            return None;
        };
        slot.generation = (slot.generation + 1) % GENERATIONS;
        let index = (id % SLOT_BITS) as u32;
        self.free.push(index);
        Some(t)
    }
}

thread_local! {
    /// One table per JavaScript thread (the main thread and each worker).
    static TABLE: RefCell<Table> = RefCell::new(Table::default());
}

/// V8 is told of native bytes in steps of at least this much (each report is a call into V8).
const REPORT_STEP: i64 = 1 << 20;

/// Adds `bytes` (negative: removes) to the external memory V8 counts against
/// this isolate, which makes it collect garbage sooner when tensors pile up.
fn report(env: sys::napi_env, bytes: i64) {
    let pending = TABLE.with(|t| {
        let mut t = t.borrow_mut();
        t.unreported += bytes;
        if t.unreported.abs() < REPORT_STEP {
            return 0;
        }
        std::mem::take(&mut t.unreported)
    });
    if pending != 0 {
        let mut total = 0i64;
        // SAFETY: called on the env's own thread, from a napi callback.
        unsafe { sys::napi_adjust_external_memory(env, pending, &mut total) };
    }
}

fn bytes_of(t: &Tensor) -> i64 {
    (t.numel() * 4) as i64
}

/// dtype and device in one number: bit 0 int32, bit 1 cuda.
fn kind(t: &Tensor) -> f64 {
    let dtype = match t.dtype() {
        DType::F32 => 0,
        DType::I32 => 1,
    };
    let device = match t.device() {
        Device::Cpu => 0,
        Device::Cuda => 2,
    };
    (dtype | device) as f64
}

// ---------------------------------------------------------------------------
// The three argument types.

/// A tensor argument, read only: the id JavaScript passed, looked up.
pub struct TensorRef(std::result::Result<Rc<Tensor>, Miss>);

fn miss_error(op: &str, miss: Miss) -> Error {
    Error::from_reason(match miss {
        Miss::Gone => format!("{op}: tensor was disposed and cannot be used again"),
        Miss::Lent => format!(
            "{op}: the same tensor was passed twice where one is updated in place; \
             the tensors must be distinct"
        ),
    })
}

impl TensorRef {
    /// The live tensor, or an error naming the op that touched a disposed one.
    pub fn get(&self, op: &str) -> Result<&Tensor> {
        match &self.0 {
            Ok(t) => Ok(t),
            Err(m) => Err(miss_error(op, *m)),
        }
    }
}

fn read_id(env: sys::napi_env, value: sys::napi_value) -> Result<f64> {
    // SAFETY: forwarded from napi-rs's own conversion of an argument.
    unsafe { f64::from_napi_value(env, value) }
        .map_err(|_| Error::from_reason("expected a tensor id (a number)"))
}

impl FromNapiValue for TensorRef {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let id = read_id(env, value)?;
        Ok(TensorRef(TABLE.with(|t| t.borrow_mut().lookup(id))))
    }
}

impl TypeName for TensorRef {
    fn type_name() -> &'static str {
        "TensorRef"
    }
    fn value_type() -> ValueType {
        ValueType::Number
    }
}

impl ValidateNapiValue for TensorRef {}

/// A tensor argument the call updates in place: taken out of the table for the
/// call (so no other argument can alias it) and put back when dropped.
pub struct TensorMut {
    id: f64,
    tensor: std::result::Result<Rc<Tensor>, Miss>,
}

impl TensorMut {
    /// The tensor, writable, or an error (disposed; passed twice in one call).
    pub fn get_mut(&mut self, op: &str) -> Result<&mut Tensor> {
        match &mut self.tensor {
            // Unique unless a read-only argument of the same call holds it too.
            Ok(t) => Rc::get_mut(t).ok_or_else(|| miss_error(op, Miss::Lent)),
            Err(m) => Err(miss_error(op, *m)),
        }
    }
}

impl Drop for TensorMut {
    fn drop(&mut self) {
        if let Ok(t) = std::mem::replace(&mut self.tensor, Err(Miss::Gone)) {
            TABLE.with(|table| table.borrow_mut().give_back(self.id, t));
        }
    }
}

impl FromNapiValue for TensorMut {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let id = read_id(env, value)?;
        Ok(TensorMut {
            id,
            tensor: TABLE.with(|t| t.borrow_mut().lend(id)),
        })
    }
}

impl TypeName for TensorMut {
    fn type_name() -> &'static str {
        "TensorMut"
    }
    fn value_type() -> ValueType {
        ValueType::Number
    }
}

impl ValidateNapiValue for TensorMut {}

/// A kernel's result: put in the table, returned as `[id, kind, ...shape]`
/// (kind: bit 0 int32, bit 1 cuda).
pub struct NewTensor(pub Tensor);

impl ToNapiValue for NewTensor {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        let t = val.0;
        let mut row = Vec::with_capacity(2 + t.shape().len());
        row.push(0.0);
        row.push(kind(&t));
        row.extend(t.shape().iter().map(|&d| d as f64));
        let bytes = bytes_of(&t);
        row[0] = TABLE.with(|table| table.borrow_mut().insert(t));
        report(env, bytes);
        // SAFETY: forwarded to napi-rs's conversion of a Vec<f64>.
        unsafe { Vec::<f64>::to_napi_value(env, row) }
    }
}

impl TypeName for NewTensor {
    fn type_name() -> &'static str {
        "NewTensor"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

// ---------------------------------------------------------------------------
// Creation, reading back, and the few tensor methods.

/// A copy of `data` whose allocation can fail with an error naming `op`.
fn copy_fallible<T: Copy>(op: &str, data: &[T], shape: &[usize]) -> Result<Vec<T>> {
    memory::check_alloc(op, shape, std::mem::size_of::<T>()).map_err(js_error)?;
    let mut v = Vec::new();
    v.try_reserve_exact(data.len()).map_err(|_| {
        Error::from_reason(format!(
            "{op}: cannot allocate {} bytes for the tensor's values",
            std::mem::size_of_val(data)
        ))
    })?;
    v.extend_from_slice(data);
    Ok(v)
}

fn to_device(t: Tensor, device: &str) -> Result<NewTensor> {
    let d = Device::parse("tensor", device).map_err(js_error)?;
    if d == Device::Cpu {
        Ok(NewTensor(t))
    } else {
        Ok(NewTensor(t.to_device(d).map_err(js_error)?))
    }
}

/// A float32 tensor holding a copy of `data`, on `device`.
#[napi(catch_unwind)]
pub fn from_float32(data: &[f32], shape: Vec<f64>, device: String) -> Result<NewTensor> {
    let shape = dims("tensor", &shape)?;
    let t = Tensor::from_f32(copy_fallible("tensor", data, &shape)?, shape).map_err(js_error)?;
    to_device(t, &device)
}

/// An int32 tensor holding a copy of `data`, on `device`.
#[napi(catch_unwind)]
pub fn from_int32(data: &[i32], shape: Vec<f64>, device: String) -> Result<NewTensor> {
    let shape = dims("tensor", &shape)?;
    let t = Tensor::from_i32(copy_fallible("tensor", data, &shape)?, shape).map_err(js_error)?;
    to_device(t, &device)
}

fn check_len(op: &str, t: &Tensor, len: usize) -> Result<()> {
    if len != t.numel() {
        return Err(Error::from_reason(format!(
            "{op}: the output array holds {len} values, the tensor {}",
            t.numel()
        )));
    }
    Ok(())
}

/// Copies the values (int32 converted) into `out`, a Float32Array of the
/// tensor's size that JavaScript allocated (so V8 owns and frees it).
#[napi(catch_unwind)]
pub fn read_float32(x: TensorRef, mut out: Float32ArraySlice) -> Result<()> {
    let op = "toFloat32Array";
    let t = x.get(op)?;
    // SAFETY: no JavaScript runs during the call, so nothing else touches the array.
    let out = unsafe { out.as_mut() };
    check_len(op, t, out.len())?;
    match t.cpu_f32_data(op, "x") {
        Ok(v) => out.copy_from_slice(v),
        Err(_) => out.copy_from_slice(&t.to_f32_vec().map_err(js_error)?),
    }
    Ok(())
}

/// Copies an int32 tensor's values into `out` (an Int32Array of its size).
#[napi(catch_unwind)]
pub fn read_int32(x: TensorRef, mut out: Int32ArraySlice) -> Result<()> {
    let op = "toInt32Array";
    let t = x.get(op)?;
    // SAFETY: as in read_float32.
    let out = unsafe { out.as_mut() };
    check_len(op, t, out.len())?;
    match t.cpu_i32_data(op, "x") {
        Ok(v) => out.copy_from_slice(v),
        Err(_) => out.copy_from_slice(&t.to_i32_vec().map_err(js_error)?),
    }
    Ok(())
}

/// A copy on `device` ('cpu' or 'cuda').
#[napi(catch_unwind)]
pub fn to_device_copy(x: TensorRef, device: String) -> Result<NewTensor> {
    let d = Device::parse("to", &device).map_err(js_error)?;
    Ok(NewTensor(x.get("to")?.to_device(d).map_err(js_error)?))
}

/// The same values under another shape (the buffer is shared, copy-on-write).
#[napi(catch_unwind)]
pub fn reshape(x: TensorRef, shape: Vec<f64>) -> Result<NewTensor> {
    let t = x.get("reshape")?;
    Ok(NewTensor(
        t.reshape(dims("reshape", &shape)?).map_err(js_error)?,
    ))
}

/// Overwrites `dst`'s values in place with `src`'s (same shape and dtype, any device).
#[napi(catch_unwind)]
pub fn assign(mut dst: TensorMut, src: TensorRef) -> Result<()> {
    let op = "assign";
    let src = src.get(op)?;
    dst.get_mut(op)?.assign(src).map_err(js_error)
}

/// Frees a tensor now: its buffer goes unless a reshape of it still shares it.
/// A stale id (already freed) is ignored, so disposing twice is harmless.
#[napi]
pub fn free(env: Env, id: f64) {
    let removed = TABLE.with(|t| {
        let mut t = t.borrow_mut();
        t.frees = t.frees.wrapping_add(1);
        t.remove(id)
    });
    if let Some(t) = removed {
        let bytes = bytes_of(&t);
        drop(t);
        report(env.raw(), -bytes);
    }
    if TABLE.with(|t| t.borrow().frees % STALE_CHECK_EVERY == 0) {
        foveate_kernels::large_pages::release_stale();
    }
}

/// Every this many frees, stale huge-page mappings kept for reuse are unmapped
/// (`large_pages::release_stale`: one lock and one clock read).
const STALE_CHECK_EVERY: u64 = 4096;

/// Tensors in this thread's table (what JavaScript holds ids of).
#[napi]
pub fn live_ids() -> u32 {
    TABLE.with(|t| {
        let t = t.borrow();
        (t.slots.len() - t.free.len()) as u32
    })
}

/// The external memory V8 counts for this isolate (what `free` and new tensors
/// report to it, plus what other native code does), in bytes: V8's own total,
/// which `process.memoryUsage().external` does not show (that is ArrayBuffers').
#[napi]
pub fn v8_external_bytes(env: Env) -> f64 {
    let mut total = 0i64;
    // SAFETY: on the env's thread, from a napi callback; a change of 0 only reads.
    unsafe { sys::napi_adjust_external_memory(env.raw(), 0, &mut total) };
    total as f64
}
