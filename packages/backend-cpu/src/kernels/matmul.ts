// Kernels of the matmul op family.
export {};
