// Kernels of the shape op family.
export {};
