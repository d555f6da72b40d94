// A PyTorch user's Module, written as they would write it: submodules assigned
// as properties, no registerModule. They must be found, trained and saved.
import { describe, expect, it } from 'vitest';
import * as fv from '../../src/index.js';

class MLP extends fv.nn.Module {
  fc1: fv.nn.Linear;
  fc2: fv.nn.Linear;
  constructor() {
    super();
    this.fc1 = new fv.nn.Linear(784, 128);
    this.fc2 = new fv.nn.Linear(128, 10);
  }
  forward(x: fv.Tensor): fv.Tensor {
    return this.fc2.forward(fv.ops.relu(this.fc1.forward(x)));
  }
}

describe('habits: modules register what is assigned as properties', () => {
  it('finds Linear layers assigned as properties, with PyTorch names', () => {
    const m = new MLP();
    expect(m.namedParameters().map(([n, t]) => `${n}:${t.shape.join('x')}`)).toEqual([
      'fc1.weight:128x784',
      'fc1.bias:128',
      'fc2.weight:10x128',
      'fc2.bias:10',
    ]);
    expect(m.parameters().length).toBe(4);
    expect(m.children().map(([n]) => n)).toEqual(['fc1', 'fc2']);
    m.eval();
    expect(m.fc1.training || m.fc2.training).toBe(false);
    m.train();
    expect(m.fc1.training && m.fc2.training).toBe(true);
    m.dispose();
  });

  it('registers Parameter()/Buffer() tensors and arrays of modules assigned as properties; a later assignment replaces', () => {
    class Net extends fv.nn.Module {
      scale = fv.nn.Parameter(fv.ones([3]));
      count = fv.nn.Buffer(fv.zeros([1]));
      plain = fv.zeros([2]); // neither: not registered, as in PyTorch
      blocks = [new fv.nn.Linear(3, 3), new fv.nn.Linear(3, 2)];
      forward(x: fv.Tensor): fv.Tensor {
        return this.blocks.reduce((h, b) => b.forward(h), fv.ops.mul(x, this.scale));
      }
    }
    const n = new Net();
    expect(n.namedParameters().map(([k]) => k)).toEqual(['scale', 'blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias']);
    expect(n.scale.requiresGrad).toBe(true);
    expect(n.namedBuffers().map(([k]) => k)).toEqual(['count']);
    expect(Object.keys(n.stateDict())).toEqual([...n.namedParameters(), ...n.namedBuffers()].map(([k]) => k));
    const old = n.blocks[1]!;
    n.blocks[1] = new fv.nn.Linear(3, 4);
    expect(n.namedParameters().find(([k]) => k === 'blocks.1.weight')![1].shape).toEqual([4, 3]);
    old.dispose();
    n.dispose();
  });

  it('does not count a module twice when it is both registered and assigned, or shared', () => {
    class Shared extends fv.nn.Module {
      enc: fv.nn.Linear;
      alias: fv.nn.Linear;
      constructor() {
        super();
        this.enc = this.registerModule('encoder', new fv.nn.Linear(2, 2));
        this.alias = this.enc; // the same module under a second property
      }
      forward(x: fv.Tensor): fv.Tensor {
        return this.enc.forward(x);
      }
    }
    const s = new Shared();
    expect(s.namedParameters().map(([k]) => k)).toEqual(['encoder.weight', 'encoder.bias']);
    s.dispose();
  });

  it('a state dict saved from a property-assigned module loads back into a fresh one', () => {
    fv.seed(1);
    const a = new MLP();
    fv.seed(2);
    const b = new MLP();
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.fc2.weight.toFloat32Array())).toEqual(Array.from(a.fc2.weight.toFloat32Array()));
    a.dispose();
    b.dispose();
  });

  it('an optimiser handed no parameters says why', () => {
    class Forgot extends fv.nn.Module {
      forward(x: fv.Tensor): fv.Tensor {
        return x;
      }
    }
    expect(() => new fv.optim.Adam(new Forgot().parameters(), { lr: 1e-3 })).toThrow(
      /Adam: params is empty.*empty parameter list.*did you assign modules as properties of a Module and pass model\.parameters\(\)\?/,
    );
  });
});
