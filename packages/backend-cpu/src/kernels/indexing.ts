// Kernels of the indexing op family.
export {};
