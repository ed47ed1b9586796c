// Kernels of the softmax op family.
export {};
