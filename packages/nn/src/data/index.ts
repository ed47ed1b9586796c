/**
 * `data`: PyTorch's torch.utils.data (datasets, DataLoader, default collate).
 *
 * @module
 */
export { type Collated, DataLoader, type DataLoaderOptions, defaultCollate } from './dataloader.js';
export {
  type BatchedDataset,
  type Dataset,
  isBatchedDataset,
  permutation,
  randomSplit,
  Subset,
  TensorDataset,
} from './dataset.js';
