// Kernels of the compare op family.
export {};
