// Kernels of the sort op family.
export {};
