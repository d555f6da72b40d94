// The shipped 8-glimpse weights (weights/dram-8.safetensors, in package.json
// "files"): under 5 MB, Table 3's DRAM, and `eval dram --pretrained` reads them.
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { evalDramCommand, pretrainedDramPath } from '../../src/cli/train-dram.js';
import { readDramCheckpointInfo } from '../../src/train/dram.js';

describe('pretrained DRAM-8', () => {
  it('ships in the package, under 5 MB, as an 8-glimpse 12×12 DRAM with 256 units on 100×100', () => {
    const path = pretrainedDramPath();
    expect(statSync(path).size).toBeLessThan(5 * 1024 * 1024);
    expect((JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] }).files).toContain('weights/*.safetensors');
    expect(readDramCheckpointInfo(path).config).toEqual({ model: 'dram', width: 100, height: 100, glimpses: 8, readN: 12, lstmSize: 256, classes: 10, attentionGain: 0.3, boundedCentres: true });
  });

  it('eval dram --pretrained classifies the fixed test set far better than chance (under 30% error on 200 images)', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await evalDramCommand(['--pretrained', '--limit', '200', '--json']);
      const r = JSON.parse(String(log.mock.calls[0]![0])) as { images: number; testError: number; glimpses: number };
      expect(r.images).toBe(200);
      expect(r.glimpses).toBe(8);
      expect(r.testError).toBeLessThan(0.3); // chance is 0.9
    } finally {
      log.mockRestore();
    }
    await expect(evalDramCommand(['--pretrained', '--checkpoint', 'x.safetensors'])).rejects.toThrow(/eval dram: give --checkpoint or --pretrained, not both/);
  });
});
